package io.vhostpath.cni.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostpath.net.MacAddress;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.vhost.VhostVdpa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin binary (bin/vhostpath-cni) on a real kernel vDPA device in the QEMU guest: vdpa_sim_net bound to
 * vhost_vdpa, a real network namespace, the reference host-local IPAM plugin. The simulator has no VF and so no
 * representor: nothing is plugged into OVS, and the result says so by listing no host interface.
 */
@Tag("kernel")
class KernelCniTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MacAddress ORIGINAL = MacAddress.parse("02:11:22:33:44:55");
    private static final String NETNS = "vp-kcni";
    private static final Path WORKER = Path.of("vhost-vdpa/worker/target/vhostpath-worker.jar");

    @TempDir
    Path dir;
    private VdpaProvisioner vdpa;

    record Reply(int rc, JsonNode doc) {}

    @BeforeEach
    void setUp() throws Exception {
        vdpa = VdpaProvisioner.system();
        vdpa.provision(NewDevice.of("vdpa0", "vdpasim_net").withMac(ORIGINAL), VdpaDriver.VHOST_VDPA);
        exec("ip", "netns", "add", NETNS);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (var d : vdpa.list()) vdpa.release(d.name());
        vdpa.close();
        exec("ip", "netns", "del", NETNS);
    }

    private String conf(String deviceId, String ipamSubnet) {
        return """
                {"cniVersion":"1.1.0","name":"vdpa-net","type":"vhostpath-cni","bridge":"br-vdpa","mtu":1500,
                 "ovsdbSocket":"%s","stateDir":"%s","logFile":"%s",
                 "ipam":{"type":"host-local","subnet":"%s","dataDir":"%s"},
                 "runtimeConfig":{"deviceID":"%s","CNIDeviceInfoFile":"%s"}}"""
                .formatted(dir.resolve("no-ovs.sock"), dir.resolve("state"), dir.resolve("cni.log"), ipamSubnet,
                        dir.resolve("ipam"), deviceId, deviceInfo());
    }

    private Path deviceInfo() {
        return dir.resolve("devinfo/vhostpath.io-vdpa-net-device.json");
    }

    private Reply cni(String command, String container, String stdin) throws Exception {
        var pb = new ProcessBuilder("bin/vhostpath-cni");
        pb.environment().putAll(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", container, "CNI_IFNAME", "net1",
                "CNI_NETNS", "/var/run/netns/" + NETNS, "CNI_PATH", "/usr/lib/cni", "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=p"));
        pb.environment().put("VHOSTPATH_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Reply(p.exitValue(), out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out));
    }

    @Test
    void add_attaches_the_device_a_worker_in_the_namespace_loops_probes_and_del_restores_it() throws Exception {
        Reply add = cni("ADD", "c1", conf("vdpa0", "10.99.0.0/24"));
        assertEquals(0, add.rc(), add.doc().toString());
        JsonNode ifaces = add.doc().get("interfaces");
        assertEquals(1, ifaces.size(), "no representor for the simulator: " + add.doc());
        JsonNode sandbox = ifaces.get(0);
        assertEquals("net1", sandbox.get("name").asText());
        assertEquals("/var/run/netns/" + NETNS, sandbox.get("sandbox").asText());
        assertEquals(1500, sandbox.get("mtu").asInt());
        MacAddress mac = MacAddress.parse(sandbox.get("mac").asText());
        assertTrue(add.doc().get("ips").get(0).get("address").asText().startsWith("10.99.0."), add.doc().toString());
        assertEquals(0, add.doc().get("ips").get(0).get("interface").asInt());

        // The kernel holds the new MAC (vdpa dev config show, iproute2's own reading), and device-info says where it is.
        assertEquals(mac, vdpa.get("vdpa0").mac());
        assertTrue(exec("vdpa", "dev", "config", "show", "vdpa0").contains("mac " + mac), "iproute2 sees " + mac);
        JsonNode info = JSON.readTree(deviceInfo().toFile());
        assertEquals("vdpa", info.get("type").asText());
        assertEquals("1.1.0", info.get("version").asText());
        assertEquals("vhost", info.get("vdpa").get("driver").asText());
        assertEquals("vdpa0", info.get("vdpa").get("parent-device").asText());
        String path = info.get("vdpa").get("path").asText();
        assertEquals(vdpa.get("vdpa0").vhostNode().orElseThrow().path().toString(), path);
        assertEquals(PosixFilePermissions.fromString("r--r--r--"), Files.getPosixFilePermissions(deviceInfo()));

        // A second ADD for the same attachment answers the same result; CHECK agrees with it.
        assertEquals(add.doc(), cni("ADD", "c1", conf("vdpa0", "10.99.0.0/24")).doc());
        String check = conf("vdpa0", "10.99.0.0/24").replaceFirst("\\{", "{\"prevResult\":" + add.doc() + ",");
        Reply checked = cni("CHECK", "c1", check);
        assertEquals(0, checked.rc(), checked.doc().toString());

        // The pod's side: the worker, inside the namespace, on the path device-info gives, addressed to the device's MAC.
        Path summary = dir.resolve("worker.json");
        String out = exec("ip", "netns", "exec", NETNS, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", WORKER.toString(), "--port", "vhost-vdpa:" + path, "--hugepages", "off", "--memory", "256",
                "--descriptors", "256", "--mbufs", "4095", "--dst-mac", mac.toString(), "--cpus", "1", "--mode", "io",
                "--tx-first", "4", "--duration", "3s", "--warmup", "0s", "--http", "off", "--summary-json", summary.toString());
        JsonNode s = JSON.readTree(summary.toFile());
        assertEquals(0, s.get("exit_code").asInt(), out);
        assertTrue(s.get("ports").get(0).get("rx_packets").asLong() > 0, s::toString);
        assertEquals(0, s.get("teardown").get("mbufs_in_use").asLong(), s::toString);

        Reply del = cni("DEL", "c1", conf("vdpa0", "10.99.0.0/24"));
        assertEquals(0, del.rc(), del.doc().toString());
        var after = vdpa.get("vdpa0");
        assertEquals(ORIGINAL, after.mac(), "DEL restores the MAC the device had");
        assertEquals(VdpaDriver.VHOST_VDPA, after.driver());
        try (var v = VhostVdpa.open(after.vhostNode().orElseThrow().path())) {
            assertEquals(1, v.deviceId(), "the device is free again");
        }
        assertNothingLeft();
        assertEquals(0, cni("DEL", "c1", conf("vdpa0", "10.99.0.0/24")).rc(), "DEL again succeeds");
    }

    @Test
    void wrong_driver_missing_device_and_busy_device_each_give_the_spec_error_and_leave_nothing() throws Exception {
        vdpa.provision(NewDevice.of("vdpa1", "vdpasim_net").withMac(MacAddress.parse("02:11:22:33:44:66")), VdpaDriver.VIRTIO_VDPA);
        Reply wrong = cni("ADD", "c2", conf("vdpa1", "10.99.1.0/24"));
        assertEquals(1, wrong.rc());
        assertEquals(7, wrong.doc().get("code").asInt());
        assertEquals("vDPA device vdpa1 is bound to virtio_vdpa, not vhost_vdpa", wrong.doc().get("msg").asText());

        Reply missing = cni("ADD", "c2", conf("vdpa9", "10.99.1.0/24"));
        assertEquals(7, missing.doc().get("code").asInt(), missing.doc().toString());
        assertEquals("deviceID vdpa9: no such vDPA device", missing.doc().get("msg").asText());

        try (var holder = VhostVdpa.open(vdpa.get("vdpa0").vhostNode().orElseThrow().path())) {
            Reply busy = cni("ADD", "c2", conf("vdpa0", "10.99.1.0/24"));
            assertEquals(11, busy.doc().get("code").asInt(), busy.doc().toString());
            assertTrue(busy.doc().get("msg").asText().startsWith("vDPA device vdpa0 is busy"), busy.doc().toString());
            assertTrue(busy.doc().get("details").asText().contains("errno=16"), busy.doc().toString());
        }
        assertEquals(ORIGINAL, vdpa.get("vdpa0").mac());
        assertNothingLeft();
    }

    @Test
    void two_adds_for_one_device_at_once_give_it_to_one_and_refuse_the_other() throws Exception {
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> quietly(() -> cni("ADD", "c5", conf("vdpa0", "10.99.4.0/24"))));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> quietly(() -> cni("ADD", "c6", conf("vdpa0", "10.99.4.0/24"))));
        var replies = List.of(first.get(300, TimeUnit.SECONDS), second.get(300, TimeUnit.SECONDS));
        assertEquals(1, replies.stream().filter(r -> r.rc() == 0).count(), replies.toString());
        Reply refused = replies.stream().filter(r -> r.rc() != 0).findFirst().orElseThrow();
        // The loser waited on the device's lock: it finds the device attached (7), or, when the winner held the lock
        // longer than the 10 s wait (a slow emulated guest), it is told to try again (11). Never both attached.
        int code = refused.doc().get("code").asInt();
        String msg = refused.doc().get("msg").asText();
        assertTrue(code == 7 && msg.startsWith("vDPA device vdpa0 is already attached to container c")
                || code == 11 && msg.equals("device vdpa0 is being attached or detached by another call"), refused.doc().toString());
        String winner = replies.get(0).rc() == 0 ? "c5" : "c6";
        assertEquals(0, cni("DEL", winner, conf("vdpa0", "10.99.4.0/24")).rc());
        assertEquals(0, cni("DEL", winner.equals("c5") ? "c6" : "c5", conf("vdpa0", "10.99.4.0/24")).rc(), "DEL of the refused ADD");
        assertEquals(ORIGINAL, vdpa.get("vdpa0").mac());
        assertNothingLeft();
    }

    @Test
    void del_completes_when_the_device_vanished_after_add() throws Exception {
        assertEquals(0, cni("ADD", "c7", conf("vdpa0", "10.99.5.0/24")).rc());
        assertTrue(vdpa.release("vdpa0"), "the device goes away (a VF removed, a node agent's cleanup)");
        Reply del = cni("DEL", "c7", conf("vdpa0", "10.99.5.0/24"));
        assertEquals(0, del.rc(), del.doc().toString());
        assertNothingLeft();
    }

    private interface Call {
        Reply run() throws Exception;
    }

    private static Reply quietly(Call c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    @Test
    void an_ipam_failure_after_the_mac_was_set_rolls_the_mac_back() throws Exception {
        Reply add = cni("ADD", "c3", conf("vdpa0", "10.99.2.0/33"));
        assertEquals(1, add.rc(), add.doc().toString());
        assertTrue(add.doc().get("msg").asText().startsWith("ipam plugin host-local ADD"), add.doc().toString());
        assertEquals(ORIGINAL, vdpa.get("vdpa0").mac(), "rolled back");
        assertTrue(Files.readString(dir.resolve("cni.log")).contains("rollback: restore MAC"), "the debug log tells the rollback");
        assertNothingLeft();
    }

    @Test
    void ovn_mode_makes_a_logical_port_with_the_devices_mac_and_address_and_del_removes_only_it() throws Exception {
        try (var ovn = io.vhostpath.ovsdb.OvnTestbed.start(java.nio.file.Files.createDirectories(dir.resolve("ovn")))) {
            String conf = conf("vdpa0", "10.99.3.0/24").replaceFirst("\\{", "{\"mode\":\"ovn\",\"ovnNorthbound\":\""
                    + ovn.northbound() + "\",\"ovsdbSocket\":\"" + ovn.ovs().dbSocket() + "\",")
                    .replace("\"ovsdbSocket\":\"" + dir.resolve("no-ovs.sock") + "\",", "").replace("\"bridge\":\"br-vdpa\",", "");
            Reply add = cni("ADD", "c4", conf);
            assertEquals(0, add.rc(), add.doc().toString());
            String mac = add.doc().get("interfaces").get(0).get("mac").asText();
            String ip = add.doc().get("ips").get(0).get("address").asText().split("/")[0];
            String lsp = "vdpa-net_c4-net1";
            assertEquals("[\"" + mac + " " + ip + "\"]", ovn.nbctl("get", "Logical_Switch_Port", lsp, "port_security"));
            assertEquals("[\"" + mac + " " + ip + "\"]", ovn.nbctl("get", "Logical_Switch_Port", lsp, "addresses"));
            assertEquals(lsp, ovn.nbctl("lsp-list", "vdpa-net").replaceAll("^\\S+ \\((.*)\\)$", "$1"));
            assertEquals(MacAddress.parse(mac), vdpa.get("vdpa0").mac());
            Reply status = cni("STATUS", "c4", conf);
            assertEquals(0, status.rc(), status.doc().toString());

            Reply del = cni("DEL", "c4", conf);
            assertEquals(0, del.rc(), del.doc().toString());
            assertEquals("", ovn.nbctl("lsp-list", "vdpa-net"), "the port is gone");
            assertTrue(ovn.nbctl("ls-list").contains("vdpa-net"), "the network's switch stays");
            assertEquals(ORIGINAL, vdpa.get("vdpa0").mac());
            assertNothingLeft();
        }
    }

    private void assertNothingLeft() throws IOException {
        assertFalse(Files.exists(deviceInfo()), "device-info removed");
        for (Path d : List.of(dir.resolve("state"), dir.resolve("ipam/vdpa-net"))) {
            if (!Files.exists(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".json") || p.getFileName().toString().startsWith("10."))
                        .toList(), "left in " + d);
            }
        }
    }

    private static String exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
