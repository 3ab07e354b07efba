package io.vhostpath.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.netlink.Rtnetlink;
import io.vhostpath.sys.NativeError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * rtnetlink links and setns on the real kernel, in private network namespaces made for each test with a veth
 * pair in them; every reading is compared field by field with what {@code ip -j -d link show} says.
 */
class LinksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String ns = "vp-links-" + ProcessHandle.current().pid();
    private final String other = ns + "-b";
    private final List<Process> helpers = new ArrayList<>();

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "creating network namespaces needs root");
        sh("ip netns add " + ns, "ip netns add " + other, "ip -n " + ns + " link add vpa type veth peer name vpb");
    }

    @AfterEach
    void remove() throws Exception {
        for (Process p : helpers) p.destroyForcibly().waitFor();
        sh("ip netns delete " + ns + " 2>/dev/null; ip netns delete " + other + " 2>/dev/null; true");
    }

    private static String sh(String... commands) throws IOException, InterruptedException {
        var p = new ProcessBuilder("sh", "-c", String.join(" && ", commands)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), () -> String.join(" && ", commands) + ": " + out);
        return out;
    }

    private Map<String, JsonNode> ip(String namespace) throws Exception {
        var links = JSON.readTree(sh("ip -n " + namespace + " -j -d link show"));
        var byName = new java.util.LinkedHashMap<String, JsonNode>();
        for (JsonNode l : links) byName.put(l.get("ifname").asText(), l);
        return byName;
    }

    private <T> T in(String namespace, Function<Links, T> work) {
        try (var n = NetworkNamespace.named(namespace)) {
            return n.call(() -> {
                try (var links = Links.open()) {
                    return work.apply(links);
                }
            });
        }
    }

    private static void assertSameAsIp(JsonNode ip, Link link, Map<Integer, String> namesByIndex) {
        String what = link + " vs " + ip;
        assertEquals(ip.get("ifindex").asInt(), link.index(), what);
        assertEquals(ip.get("ifname").asText(), link.name(), what);
        assertEquals(ip.get("mtu").asInt(), link.mtu(), what);
        assertEquals(ip.get("operstate").asText(), link.operState(), what);
        assertEquals(ip.get("txqlen").asLong(), link.txQueueLength(), what);
        assertEquals(ip.get("link_type").asText(), link.type() == Rtnetlink.ARPHRD_LOOPBACK ? "loopback" : "ether", what);
        assertEquals(ip.get("address").asText(), String.valueOf(link.mac()), what);
        List<String> flags = new ArrayList<>();
        ip.get("flags").forEach(f -> flags.add(f.asText()));
        assertEquals(flags.contains("UP"), link.up(), what);
        assertEquals(flags.contains("LOWER_UP"), link.lowerUp(), what);
        assertEquals(ip.path("linkinfo").path("info_kind").asText(null), link.kind(), what);
        if (ip.has("link")) assertEquals(ip.get("link").asText(), namesByIndex.get(link.parentIndex()), what);
    }

    @Test
    void list_and_get_agree_with_ip_field_by_field() throws Exception {
        var ip = ip(ns);
        List<Link> listed = in(ns, Links::list);
        Map<Integer, String> names = listed.stream().collect(Collectors.toMap(Link::index, Link::name));
        assertEquals(ip.keySet(), listed.stream().map(Link::name).collect(Collectors.toSet()));
        for (Link l : listed) assertSameAsIp(ip.get(l.name()), l, names);
        Link vpa = in(ns, links -> links.get("vpa"));
        assertSameAsIp(ip.get("vpa"), vpa, names);
        assertEquals(vpa, in(ns, links -> links.get(vpa.index())));
    }

    @Test
    void up_down_mac_mtu_and_rename_change_what_ip_sees() throws Exception {
        var mac = MacAddress.parse("02:00:00:aa:bb:01");
        in(ns, links -> {
            links.setMac("vpa", mac);
            links.setMtu("vpa", 9000);
            links.rename("vpa", "vp-renamed");
            links.setUp("vp-renamed", true);
            links.setUp("vpb", true);
            return null;
        });
        var ip = ip(ns);
        assertFalse(ip.containsKey("vpa"));
        JsonNode renamed = ip.get("vp-renamed");
        assertEquals(mac.toString(), renamed.get("address").asText());
        assertEquals(9000, renamed.get("mtu").asInt());
        Link link = in(ns, links -> links.get("vp-renamed"));
        assertTrue(link.up());
        List<Link> all = in(ns, Links::list);
        assertSameAsIp(renamed, link, all.stream().collect(Collectors.toMap(Link::index, Link::name)));
        in(ns, links -> {
            links.setUp("vp-renamed", false);
            return null;
        });
        assertFalse(in(ns, links -> links.get("vp-renamed")).up());
    }

    @Test
    void kernel_refusals_carry_errno_and_the_kernels_own_words() {
        var missing = assertThrows(NetlinkException.class, () -> in(ns, links -> links.get("nosuch0")));
        assertEquals(19, missing.errno(), missing::getMessage);
        assertTrue(missing.getMessage().startsWith("ip link show dev nosuch0 failed: errno=19"), missing::getMessage);
        assertTrue(in(ns, links -> links.find("nosuch0")).isEmpty());

        var tooBig = assertThrows(NetlinkException.class, () -> in(ns, links -> {
            links.setMtu("vpa", 70_000);
            return null;
        }));
        assertEquals(22, tooBig.errno(), tooBig::getMessage);
        assertTrue(tooBig.kernelMessage() != null && tooBig.kernelMessage().contains("mtu"), tooBig::getMessage);

        var taken = assertThrows(NetlinkException.class, () -> in(ns, links -> {
            links.rename("vpa", "vpb");
            return null;
        }));
        assertEquals(17, taken.errno(), taken::getMessage);

        var badName = assertThrows(IllegalArgumentException.class, () -> in(ns, links -> links.get("../etc")));
        assertTrue(badName.getMessage().contains("'/'"), badName::getMessage);
        assertThrows(IllegalArgumentException.class, () -> Links.checkName("a-name-of-16-chr"));
    }

    @Test
    void a_link_moves_to_another_namespace_by_fd_and_by_pid() throws Exception {
        try (var target = NetworkNamespace.named(other)) {
            in(ns, links -> {
                links.moveTo("vpb", target);
                return null;
            });
        }
        assertFalse(ip(ns).containsKey("vpb"));
        assertTrue(ip(other).containsKey("vpb"));
        assertEquals("vpb", in(other, links -> links.get("vpb")).name());

        // A process living in the other namespace: its pid names the namespace.
        var sleeper = new ProcessBuilder("ip", "netns", "exec", other, "sleep", "60").start();
        helpers.add(sleeper);
        long pid = sleeper.pid();
        Path nsOfSleeper = Path.of("/proc", Long.toString(pid), "ns", "net");
        long until = System.nanoTime() + 10_000_000_000L;
        while (Files.readSymbolicLink(nsOfSleeper).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")))
                && System.nanoTime() < until) {
            Thread.sleep(20); // `ip netns exec` has not entered the namespace yet
        }
        in(ns, links -> {
            links.moveToNamespaceOf("vpa", pid);
            return null;
        });
        assertTrue(ip(other).containsKey("vpa"));
        assertFalse(ip(ns).containsKey("vpa"));
    }

    @Test
    void work_runs_inside_the_namespace_and_the_callers_thread_never_moves() throws Exception {
        Path self = Path.of("/proc/thread-self/ns/net");
        Path before = Files.readSymbolicLink(self);
        try (var n = NetworkNamespace.named(ns)) {
            Path inside = n.call(() -> Files.readSymbolicLink(self));
            assertNotEquals(before, inside);
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/task")
                    .resolve(Long.toString(ProcessHandle.current().pid())).resolve("ns/net")), before);
            var thrown = assertThrows(IllegalStateException.class, () -> n.call(() -> {
                throw new IOException("work failed");
            }));
            assertTrue(thrown.getMessage().contains("work failed"), thrown::getMessage);
            assertEquals(inside, n.call(() -> Files.readSymbolicLink(self)), "a failed call leaves the next one as it was");
        }
        assertEquals(before, Files.readSymbolicLink(self));
    }

    @Test
    void a_file_that_is_not_a_network_namespace_is_refused_with_errno() {
        try (var notNs = NetworkNamespace.open(Path.of("/etc/hostname"))) {
            var e = assertThrows(NativeError.class, () -> notNs.call(() -> "never"));
            assertEquals(22, e.errno(), e::getMessage);
            assertTrue(e.getMessage().contains("setns(/etc/hostname)"), e::getMessage);
        }
        var missing = assertThrows(NativeError.class, () -> NetworkNamespace.named("vp-no-such-namespace"));
        assertEquals(2, missing.errno());
    }
}
