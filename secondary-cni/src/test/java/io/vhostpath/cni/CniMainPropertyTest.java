package io.vhostpath.cni;

import io.vhostpath.text.Json;
import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 12,000 generated calls (mutated configs, truncated text, random environments) through the binary's entry point:
 * each must end with exit 0 and the document its command promises, or exit 1 and a spec error naming a code the
 * spec defines, never an internal error (999 would be a bug surfacing), never a stack trace, never silence on ADD.
 */
class CniMainPropertyTest {
    private static final Set<Long> SPEC_CODES = Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 11L, 50L, 51L);
    private static final List<String> COMMANDS = List.of("ADD", "DEL", "CHECK", "STATUS", "GC", "VERSION", "", "add", "BOGUS");
    private static final List<String> KEYS = List.of("cniVersion", "name", "type", "mode", "bridge", "vlan", "trunk", "mtu",
            "deviceID", "ipam", "runtimeConfig", "prevResult", "dns", "stateDir", "logFile", "socketDir", "ovsdbSocket",
            "cni.dev/valid-attachments");

    @TempDir
    Path dir;

    @Test
    void every_generated_call_ends_in_a_result_or_a_spec_error() throws Exception {
        var node = new FakeNode(dir.resolve("node")).device("vdpa0", "vdpasim_net", "vhost_vdpa")
                .device("vdpa1", "0000:65:00.2", "virtio_vdpa").node();
        var plugin = new CniPlugin(node);
        var random = new Random(20261129);
        int ok = 0;
        var codes = new HashMap<Long, Integer>();
        for (int i = 0; i < 12_000; i++) {
            Map<String, String> env = environment(random);
            String stdin = config(random);
            var out = new ByteArrayOutputStream();
            int rc = CniMain.run(env, stdin, new PrintStream(out, true, StandardCharsets.UTF_8), plugin);
            String text = out.toString(StandardCharsets.UTF_8);
            String where = "call " + i + " env " + env + " stdin " + stdin + " -> rc " + rc + " " + text;
            assertFalse(text.contains("\tat ") || text.contains("Exception"), where);
            if (rc == 0) {
                ok++;
                checkSuccess(env.get("CNI_COMMAND"), text, where);
            } else {
                assertEquals(1, rc, where);
                Map<String, Object> e = JsonReader.parseObject(text);
                assertTrue(SPEC_CODES.contains(e.get("code")), where);
                assertTrue(e.get("msg") instanceof String m && !m.isBlank(), where);
                assertTrue(e.get("cniVersion") instanceof String, where);
                codes.merge((Long) e.get("code"), 1, Integer::sum);
            }
        }
        System.out.println("successes " + ok + ", errors by code " + codes);
        // The generator must reach both sides and several codes, or it proves little.
        assertTrue(ok > 500, "successes " + ok);
        assertTrue(codes.keySet().containsAll(Set.of(1L, 4L, 6L, 7L)), codes.toString());
    }

    private static void checkSuccess(String command, String text, String where) {
        switch (command) {
            case "VERSION" -> assertTrue(JsonReader.parseObject(text).get("supportedVersions") instanceof List<?>, where);
            case "ADD" -> fail("no ADD can succeed on a node without vDPA netlink: " + where);
            default -> assertEquals("", text.strip(), where);
        }
    }

    private Map<String, String> environment(Random r) {
        var env = new HashMap<String, String>();
        String command = COMMANDS.get(r.nextInt(COMMANDS.size()));
        if (r.nextInt(20) != 0) env.put("CNI_COMMAND", command);
        if (r.nextInt(10) != 0) env.put("CNI_CONTAINERID", r.nextInt(8) == 0 ? junk(r) : "c" + r.nextInt(5));
        if (r.nextInt(10) != 0) env.put("CNI_IFNAME", r.nextInt(8) == 0 ? junk(r) : "net" + r.nextInt(3));
        if (r.nextInt(10) != 0) env.put("CNI_NETNS", r.nextInt(4) == 0 ? "/var/run/netns/vp-none-" + r.nextInt(9) : "/proc/self/ns/net");
        if (r.nextBoolean()) env.put("CNI_ARGS", switch (r.nextInt(5)) {
            case 0 -> "IgnoreUnknown=1;K8S_POD_NAME=p";
            case 1 -> "MAC=" + (r.nextBoolean() ? "02:00:00:00:00:0" + r.nextInt(9) : junk(r));
            case 2 -> "deviceID=" + (r.nextBoolean() ? "vdpa0" : junk(r));
            case 3 -> junk(r);
            default -> "";
        });
        env.put("CNI_PATH", dir.resolve("no-plugins").toString());
        return env;
    }

    /** A valid config for some mode, then 0-3 mutations of its tree, sometimes then a cut or a stray byte in its text. */
    private String config(Random r) {
        var c = new LinkedHashMap<String, Object>();
        c.put("cniVersion", List.of("1.0.0", "1.1.0").get(r.nextInt(2)));
        c.put("name", "net" + r.nextInt(3));
        c.put("type", "vhostpath-cni");
        c.put("mode", List.of("ovs", "ovn", "vhost-user").get(r.nextInt(3)));
        c.put("bridge", "br0");
        c.put("socketDir", dir.resolve("sockets").toString());
        c.put("stateDir", dir.resolve("state").toString());
        c.put("ovsdbSocket", dir.resolve("no-ovs.sock").toString());
        if (r.nextBoolean()) c.put("deviceID", List.of("vdpa0", "vdpa1", "vdpa9", "0000:65:00.2", "0000:00:00.0").get(r.nextInt(5)));
        if (r.nextBoolean()) c.put("ipam", Map.of("type", "host-local", "subnet", "10.0.0.0/24"));
        if (r.nextBoolean()) c.put("runtimeConfig", Map.of("mac", "02:00:00:00:00:01"));
        if (r.nextInt(4) == 0) c.put("cni.dev/valid-attachments", List.of(Map.of("containerID", "c1", "ifname", "net1")));
        for (int m = r.nextInt(4); m > 0; m--) mutate(c, r);
        String text = Json.write(c);
        return switch (r.nextInt(12)) {
            case 0 -> text.substring(0, r.nextInt(text.length()));
            case 1 -> {
                int at = r.nextInt(text.length());
                yield text.substring(0, at) + "{}[]\",:\\x\u0000".charAt(r.nextInt(10)) + text.substring(at);
            }
            case 2 -> junk(r);
            default -> text;
        };
    }

    private static void mutate(Map<String, Object> c, Random r) {
        String key = KEYS.get(r.nextInt(KEYS.size()));
        switch (r.nextInt(4)) {
            case 0 -> c.remove(key);
            case 1 -> c.put(key, value(r));
            case 2 -> c.put(key, junk(r));
            default -> {
                var element = new HashMap<String, Object>();
                element.put("id", value(r));
                c.put(key, java.util.Arrays.asList(value(r), element));
            }
        }
    }

    private static Object value(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> (long) r.nextInt(70_000) - 100;
            case 3 -> r.nextDouble();
            case 4 -> new ArrayList<>(List.of(r.nextInt(9)));
            case 5 -> Map.of("type", junk(r));
            default -> "/" + junk(r);
        };
    }

    private static String junk(Random r) {
        var sb = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) sb.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f)));
        return sb.toString();
    }
}
