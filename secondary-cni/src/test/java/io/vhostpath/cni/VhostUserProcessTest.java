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
        for (String pod : List.of("a", "b")) ovs.run("ip", "netns", "add", NS + pod);
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
                "--http", "off", "--stats-interval", "0", "--summary-json", summary.toString()));
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

        Path rx = dir.resolve("b.json");
        Path tx = dir.resolve("a.json");
        // B counts from its start; A's window opens after 2 s, once OVS has enabled both ports' queues and learned the
        // flow (the first packets of a path being set up may be dropped: that is not loss on the path).
        Process b = worker("b", sockets.get("b"), rx, "--mode", "rxonly", "--warmup", "0s", "--duration", "14s");
        Process a = worker("a", sockets.get("a"), tx, "--mode", "txonly", "--rate", "2000", "--warmup", "2s", "--duration", "7s");
        assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS));
        JsonNode sent = JSON.readTree(tx.toFile());
        JsonNode received = JSON.readTree(rx.toFile());
        String logs = Files.readString(dir.resolve("worker-a.log")) + Files.readString(dir.resolve("worker-b.log"));
        assertEquals(0, sent.get("exit_code").asInt(), logs);
        assertEquals(0, received.get("exit_code").asInt(), logs);
        long txPackets = sent.get("ports").get(0).get("tx_packets").asLong();
        long rxPackets = received.get("ports").get(0).get("rx_packets").asLong();
        System.out.println("vhost-user through OVS-DPDK: A sent " + txPackets + ", B received " + rxPackets + ", lost "
                + received.get("ports").get(0).get("lost"));
        assertTrue(txPackets > 5_000, sent::toString);
        assertTrue(rxPackets >= txPackets, "B counts every probe A sent in A's window: " + received + " / " + sent);
        assertEquals(0, received.get("ports").get(0).get("lost").asLong(), received::toString);

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
