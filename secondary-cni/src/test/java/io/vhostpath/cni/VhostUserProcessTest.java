package io.vhostpath.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostpath.ovsdb.OvsTestbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vhost-user fallback end to end, all real: the plugin binary attaches two pods (network namespaces) to an
 * OVS-DPDK bridge through dpdkvhostuserclient ports, host-local hands out their addresses, and the packaged worker in
 * each namespace serves the socket device-info names: A generates probes, B counts them. Then DEL leaves nothing.
 */
class VhostUserProcessTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static OvsTestbed ovs;
    static final String NS = "vp-vu-" + ProcessHandle.current().pid();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OvsTestbed.dpdkInstalled() && Files.isExecutable(Path.of("/usr/lib/cni/host-local")),
                "openvswitch-switch-dpdk or containernetworking-plugins not installed: run scripts/setup.sh");
        ovs = OvsTestbed.start(Files.createDirectories(dir.resolve("ovs")), true);
        ovs.vsctl("add-br", "br-vu", "--", "set", "Bridge", "br-vu", "datapath_type=netdev");
        for (String pod : List.of("a", "b")) {
            ovs.run("ip", "netns", "add", NS + pod);
            ovs.run("ip", "-n", NS + pod, "link", "set", "lo", "up"); // the worker's metrics listen on the pod's loopback
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovs == null) return;
        for (String pod : List.of("a", "b")) ovs.run("ip", "netns", "del", NS + pod);
        ovs.close();
    }

    private static String conf(String pod) {
        return """
                {"cniVersion":"1.1.0","name":"vu-net","type":"vhostpath-cni","mode":"vhost-user","bridge":"br-vu",
                 "ovsdbSocket":"%s","stateDir":"%s","socketDir":"%s","mtu":1500,
                 "ipam":{"type":"host-local","subnet":"10.66.0.0/24","dataDir":"%s"},
                 "runtimeConfig":{"CNIDeviceInfoFile":"%s"}}"""
                .formatted(ovs.dbSocket(), dir.resolve("state"), dir.resolve("sockets"), dir.resolve("ipam"), deviceInfo(pod));
    }

    private static Path deviceInfo(String pod) {
        return dir.resolve("devinfo/vu-net-" + pod + ".json");
    }

    static final String A_STATS = "127.0.0.1:9471";
    static final String B_STATS = "127.0.0.1:9472";
    /**
     * A worker's /stats, retried while it starts. The worker listens on its pod's loopback, so the request is made
     * from inside that network namespace (a socket belongs to the namespace of the thread that creates it).
     */
    private static JsonNode stats(String address, Process worker) throws Exception {
        String pod = address.equals(A_STATS) ? "a" : "b";
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        Exception last = null;
        for (int i = 0; i < 600 && worker.isAlive(); i++) {
            try (var ns = io.vhostpath.net.NetworkNamespace.named(NS + pod)) {
                String body = ns.call(() -> {
                    try (var socket = new java.net.Socket("127.0.0.1", port)) {
                        socket.getOutputStream().write("GET /stats HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        return response.substring(response.indexOf("\r\n\r\n") + 4);
                    }
                });
                return JSON.readTree(body);
            } catch (RuntimeException | java.io.IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no /stats from " + address + " in " + NS + pod + ": " + last);
    }

    /** A /stats sampled after this call began: the worker refreshes it every interval, so wait for a newer one. */
    private static JsonNode freshStats(String address, Process worker) throws Exception {
        double seen = stats(address, worker).get("elapsed_seconds").asDouble();
        for (int i = 0; i < 600; i++) {
            JsonNode s = stats(address, worker);
            if (s.get("elapsed_seconds").asDouble() > seen) return s;
            Thread.sleep(50);
        }
        throw new AssertionError(address + "'s /stats stopped changing");
    }

    private static JsonNode port(JsonNode stats) {
        return stats.get("ports").get(0);
    }

    /** SIGINT, as Ctrl-C; the worker writes its summary and exits 0. */
    private static void stop(Process worker) throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(worker.pid())).start().waitFor();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker stopped on SIGINT");
    }

    private String logs() {
        try {
            return Files.readString(dir.resolve("worker-a.log")) + Files.readString(dir.resolve("worker-b.log"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static JsonNode cni(String command, String pod) throws Exception {
        var pb = new ProcessBuilder(ROOT.resolve("bin/vhostpath-cni").toString());
        pb.environment().putAll(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", "pod" + pod + "0123456789abcdef", "CNI_IFNAME", "net1",
                "CNI_NETNS", "/var/run/netns/" + NS + pod, "CNI_PATH", "/usr/lib/cni"));
        Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = p.getOutputStream()) {
            in.write(conf(pod).getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), command + " " + pod + ": " + out);
        return out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out);
    }

    /** The packaged worker in {@code pod}'s namespace on the socket device-info names. */
    private static Process worker(String pod, Path socket, Path summary, String... args) throws IOException {
        var cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS + pod,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ROOT.resolve("vhost-vdpa/worker/target/vhostpath-worker.jar").toString(),
                "--port", "vhost-user-server:" + socket, "--hugepages", "off", "--memory", "256", "--cpus", "1",
                "--stats-interval", "200ms", "--warmup", "0s", "--summary-json", summary.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("worker-" + pod + ".log").toFile()).start();
    }

    @Test
    void packets_cross_the_secondary_network_the_plugin_made_and_del_leaves_nothing() throws Exception {
        var sockets = new java.util.HashMap<String, Path>();
        for (String pod : List.of("a", "b")) {
            JsonNode result = cni("ADD", pod);
            JsonNode iface = result.get("interfaces").get(0);
            assertEquals("net1", iface.get("name").asText());
            assertEquals("/var/run/netns/" + NS + pod, iface.get("sandbox").asText());
            assertTrue(result.get("ips").get(0).get("address").asText().startsWith("10.66.0."), result.toString());
            JsonNode info = JSON.readTree(deviceInfo(pod).toFile());
            assertEquals("vhost-user", info.get("type").asText());
            Path socket = Path.of(info.get("vhost-user").get("path").asText());
            assertEquals(iface.get("socketPath").asText(), socket.toString());
            sockets.put(pod, socket);
            String port = VhostUserPorts.portName("pod" + pod + "0123456789abcdef-net1");
            assertEquals("dpdkvhostuserclient", ovs.vsctl("get", "Interface", port, "type"));
            assertEquals("\"" + socket + "\"", ovs.vsctl("get", "Interface", port, "options:vhost-server-path"));
        }

        // Counted on the workers' live /stats once the path carries packets: B's count between two samples must cover
        // every probe A sent between two later samples (a probe sent after A's first sample reaches B after B's).
        // Packets A sends while OVS still enables its ports are dropped by OVS; that is set-up, not loss on the path.
        Process b = worker("b", sockets.get("b"), dir.resolve("b.json"), "--mode", "rxonly", "--duration", "0", "--http", B_STATS);
        Process a = worker("a", sockets.get("a"), dir.resolve("a.json"), "--mode", "txonly", "--rate", "2000", "--duration", "0",
                "--http", A_STATS);
        JsonNode received0 = null;
        JsonNode sent0;
        JsonNode sent1;
        JsonNode received1;
        try {
            for (int i = 0; i < 1200 && (received0 == null || received0.get("rx_packets").asLong() == 0); i++) {
                Thread.sleep(100);
                received0 = port(stats(B_STATS, b));
            }
            assertTrue(received0.get("rx_packets").asLong() > 0, "no probe crossed OVS in 120 s: " + logs());
            received0 = port(freshStats(B_STATS, b));
            sent0 = port(freshStats(A_STATS, a));
            Thread.sleep(3000);
            sent1 = port(freshStats(A_STATS, a));
            stop(a);
            received1 = port(freshStats(B_STATS, b));
            for (JsonNode next = port(freshStats(B_STATS, b)); next.get("rx_packets").asLong() != received1.get("rx_packets").asLong();
                 next = port(freshStats(B_STATS, b))) {
                received1 = next; // B drains what was in flight
            }
            stop(b);
        } finally {
            // A failed assertion must not leave two polling workers running for ever.
            for (Process w : List.of(a, b)) {
                if (!w.isAlive()) continue;
                new ProcessBuilder("kill", "-INT", Long.toString(w.pid())).start().waitFor();
                if (!w.waitFor(60, TimeUnit.SECONDS)) w.destroyForcibly();
            }
        }
        long sent = sent1.get("tx_packets").asLong() - sent0.get("tx_packets").asLong();
        long got = received1.get("rx_packets").asLong() - received0.get("rx_packets").asLong();
        long lost = received1.get("lost").asLong() - received0.get("lost").asLong();
        System.out.println("vhost-user through OVS-DPDK: A sent " + sent + " probes in 3 s, B received " + got + ", lost " + lost);
        assertTrue(sent > 4_000, () -> "A sent " + sent + ": " + logs());
        assertTrue(got >= sent, () -> "B counts every probe A sent: " + got + " of " + sent + "\n" + logs());
        assertEquals(0, lost, "probes lost while the path carried");
        for (String pod : List.of("a", "b")) {
            JsonNode summary = JSON.readTree(dir.resolve(pod + ".json").toFile());
            assertEquals(0, summary.get("exit_code").asInt(), this::logs);
            assertEquals(0, summary.get("teardown").get("mbufs_in_use").asLong(), summary::toString);
        }

        for (String pod : List.of("a", "b")) {
            cni("DEL", pod);
            assertFalse(Files.exists(sockets.get(pod)), "DEL removes the socket file");
            assertFalse(Files.exists(deviceInfo(pod)), "DEL removes device-info");
        }
        assertEquals("", ovs.vsctl("list-ports", "br-vu"));
        try (var leases = Files.list(dir.resolve("ipam/vu-net"))) {
            assertEquals(List.of(), leases.filter(f -> f.getFileName().toString().startsWith("10.")).toList());
        }
        try (var state = Files.list(dir.resolve("state"))) {
            assertEquals(List.of(), state.filter(f -> f.toString().endsWith(".json")).toList());
        }
    }
}
