package io.vhostpath.cni;

import io.vhostpath.ovsdb.OvsSwitch;
import io.vhostpath.ovsdb.OvsTestbed;
import io.vhostpath.ovsdb.OvsdbClient;
import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The plugin's verbs on this host with real parts: Open vSwitch (userspace datapath), the reference host-local IPAM
 * plugin, a real network namespace. The vDPA devices are a sysfs tree (this kernel has no vDPA); ADD's success path on
 * a real device is the guest tier's (KernelCniTest).
 */
class CniHostTest {
    static final Path HOST_LOCAL = Path.of("/usr/lib/cni/host-local");
    @TempDir
    static Path dir;
    static OvsTestbed ovs;
    static String netns;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OvsTestbed.installed() && Files.isExecutable(HOST_LOCAL),
                "Open vSwitch or containernetworking-plugins not installed: run scripts/setup.sh");
        ovs = OvsTestbed.start(Files.createDirectories(dir.resolve("ovs")));
        ovs.vsctl("add-br", "br-vp", "--", "set", "Bridge", "br-vp", "datapath_type=netdev");
        netns = "vp-cni-" + ProcessHandle.current().pid();
        ovs.run("ip", "netns", "add", netns);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovs == null) return;
        ovs.run("ip", "netns", "del", netns);
        ovs.close();
    }

    record Reply(int rc, Map<String, Object> doc) {
        int code() { return ((Long) doc.get("code")).intValue(); }
        String msg() { return (String) doc.get("msg"); }
    }

    private Path tree(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    private String conf(Path state, String extra) {
        return """
                {"cniVersion":"1.1.0","name":"vdpa-net","type":"vhostpath-cni","bridge":"br-vp","ovsdbSocket":"%s",
                 "stateDir":"%s","ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"%s"}%s}"""
                .formatted(ovs.dbSocket(), state, dir.resolve("ipam"), extra);
    }

    private Reply call(Node node, String command, String container, String stdin, String... env) {
        var m = new HashMap<String, String>();
        m.put("CNI_COMMAND", command);
        m.put("CNI_CONTAINERID", container);
        m.put("CNI_IFNAME", "net1");
        m.put("CNI_NETNS", "/var/run/netns/" + netns);
        m.put("CNI_PATH", "/usr/lib/cni");
        for (int i = 0; i < env.length; i += 2) m.put(env[i], env[i + 1]);
        var out = new ByteArrayOutputStream();
        int rc = CniMain.run(m, stdin, new PrintStream(out, true, StandardCharsets.UTF_8), new CniPlugin(node));
        String text = out.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\tat "), "a stack trace reached stdout: " + text);
        return new Reply(rc, text.isBlank() ? Map.of() : JsonReader.parseObject(text));
    }

    /** Nothing of an attachment is left: no state file, no lease, no OVS port tagged with it. */
    private void assertNothingLeft(Path state) throws Exception {
        try (Stream<Path> s = Files.exists(state) ? Files.list(state) : Stream.empty()) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".json")).toList(), "state files");
        }
        Path leases = dir.resolve("ipam/vdpa-net");
        try (Stream<Path> s = Files.exists(leases) ? Files.list(leases) : Stream.empty()) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith("10.")).toList(), "host-local leases");
        }
        try (var c = OvsdbClient.connect(ovs.dbSocket())) {
            assertEquals(Map.of(), new OvsSwitch(c).portsWithExternalId(SwitchPorts.ATTACHMENT_ID), "OVS ports");
        }
    }

    @Test
    void version_lists_both_versions() {
        var r = call(new FakeNode(dir).node(), "VERSION", "x", "{\"cniVersion\":\"1.1.0\"}");
        assertEquals(0, r.rc());
        assertEquals(List.of("1.0.0", "1.1.0"), r.doc().get("supportedVersions"));
    }

    @Test
    void add_refuses_each_unusable_device_with_its_reason_and_leaves_nothing() throws Exception {
        Path state = tree("state-bad");
        var node = new FakeNode(tree("sys-bad")).device("vdpa0", "vdpasim_net", "virtio_vdpa")
                .device("vdpa1", "vdpasim_net", "vhost_vdpa").device("vdpa2", "0000:65:00.2", null);
        record Case(String deviceId, int code, String msg) {}
        for (Case c : List.of(
                new Case("vdpa9", CniError.INVALID_CONFIG, "deviceID vdpa9: no such vDPA device"),
                new Case("0000:65:00.3", CniError.INVALID_CONFIG, "deviceID 0000:65:00.3: no vDPA device on PCI device 0000:65:00.3"),
                new Case("vdpa0", CniError.INVALID_CONFIG, "vDPA device vdpa0 is bound to virtio_vdpa, not vhost_vdpa"),
                new Case("0000:65:00.2", CniError.INVALID_CONFIG, "vDPA device vdpa2 is bound to no driver, not vhost_vdpa"),
                new Case("bad/name", CniError.INVALID_CONFIG, "deviceID 'bad/name' is neither a PCI address nor a vDPA device name"))) {
            var r = call(node.node(), "ADD", "c1", conf(state, ",\"deviceID\":\"" + c.deviceId() + "\""));
            assertEquals(1, r.rc(), c.toString());
            assertEquals(c.code(), r.code(), r.toString());
            assertEquals(c.msg(), r.msg(), r.toString());
        }
        var missingNode = call(node.node(), "ADD", "c1", conf(state, ",\"deviceID\":\"vdpa1\""));
        assertEquals(CniError.IO, missingNode.code(), missingNode.toString());
        assertTrue(missingNode.msg().contains("vhost-vdpa-7 does not exist"), missingNode.toString());
        assertNothingLeft(state);
    }

    @Test
    void add_without_a_device_or_with_a_namespace_that_does_not_exist_is_refused() throws Exception {
        Path state = tree("state-env");
        var node = new FakeNode(tree("sys-env")).node();
        var noDevice = call(node, "ADD", "c2", conf(state, ""));
        assertEquals(CniError.INVALID_CONFIG, noDevice.code());
        assertTrue(noDevice.msg().startsWith("network config field 'deviceID': required"), noDevice.msg());
        var noNetns = call(node, "ADD", "c2", conf(state, ",\"deviceID\":\"vdpa0\""), "CNI_NETNS", "/var/run/netns/vp-none");
        assertEquals(CniError.UNKNOWN_CONTAINER, noNetns.code(), noNetns.toString());
        assertEquals("CNI_NETNS /var/run/netns/vp-none cannot be opened", noNetns.msg());
        assertTrue(((String) noNetns.doc().get("details")).equals("no such file"), noNetns.toString());
        var notNetns = call(node, "ADD", "c2", conf(state, ",\"deviceID\":\"vdpa0\""), "CNI_NETNS", state.toString());
        assertEquals(CniError.UNKNOWN_CONTAINER, notNetns.code(), notNetns.toString());
        assertEquals("CNI_NETNS " + state + " is not a network namespace", notNetns.msg());
        assertNothingLeft(state);
    }

    @Test
    void vhost_user_add_on_a_missing_bridge_or_with_ovsdb_down_is_refused_and_leaves_nothing() throws Exception {
        Path state = tree("state-vu");
        var node = new FakeNode(tree("sys-vu")).node();
        String vu = ",\"mode\":\"vhost-user\",\"socketDir\":\"" + dir.resolve("sock") + "\"";
        var noBridge = call(node, "ADD", "c5", conf(state, vu).replace("br-vp", "br-none"));
        assertEquals(CniError.INVALID_CONFIG, noBridge.code(), noBridge.toString());
        assertEquals("network config field 'bridge': OVS bridge br-none does not exist", noBridge.msg());
        var down = call(node, "ADD", "c5", conf(state, vu).replace(ovs.dbSocket().toString(), dir.resolve("none.sock").toString()));
        assertEquals(CniError.TRY_AGAIN_LATER, down.code(), down.toString());
        assertEquals("Open vSwitch database unreachable", down.msg());
        assertNothingLeft(state);
    }

    @Test
    void del_of_something_never_added_succeeds_twice_and_check_of_it_is_unknown() throws Exception {
        Path state = tree("state-never");
        var node = new FakeNode(tree("sys-never")).node();
        for (int i = 0; i < 2; i++) {
            var r = call(node, "DEL", "never", conf(state, ",\"deviceID\":\"vdpa0\""), "CNI_NETNS", "");
            assertEquals(0, r.rc(), r.toString());
            assertEquals(Map.of(), r.doc());
        }
        var check = call(node, "CHECK", "never", conf(state, ",\"prevResult\":{\"cniVersion\":\"1.1.0\",\"interfaces\":[]}"));
        assertEquals(CniError.UNKNOWN_CONTAINER, check.code(), check.toString());
        assertNothingLeft(state);
    }

    @Test
    void gc_removes_every_attachment_of_the_network_not_in_valid_attachments_and_keeps_the_others() throws Exception {
        Path state = tree("state-gc");
        var node = new FakeNode(tree("sys-gc")).node();
        // Two attachments as ADD leaves them after a crash of their pods: an OVS port, an IPAM lease, a state file.
        for (String c : List.of("gone", "kept")) leftover(state, c);
        String gc = conf(state, ",\"cni.dev/valid-attachments\":[{\"containerID\":\"kept\",\"ifname\":\"net1\"}]");
        var r = call(node, "GC", "", gc);
        assertEquals(0, r.rc(), r.toString());
        assertEquals("vp-kept", ovs.vsctl("list-ports", "br-vp"));
        assertFalse(Files.exists(state.resolve("gone-net1.json")));
        assertTrue(Files.exists(state.resolve("kept-net1.json")));
        var del = call(node, "DEL", "kept", conf(state, ""));
        assertEquals(0, del.rc(), del.toString());
        assertNothingLeft(state);
    }

    /** What ADD leaves for {@code container}: its representor's port on br-vp, a host-local lease, its state file. */
    private void leftover(Path state, String container) throws Exception {
        String port = "vp-" + container;
        try (var c = OvsdbClient.connect(ovs.dbSocket())) {
            new OvsSwitch(c).plug(new OvsSwitch.PortSpec("br-vp", port, "internal", Map.of(),
                    Map.of(SwitchPorts.ATTACHMENT_ID, container + "-net1"), null, List.of(), null));
        }
        var env = NetConfTest.env(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", container, "CNI_IFNAME", "net1",
                "CNI_NETNS", "/var/run/netns/" + netns, "CNI_PATH", "/usr/lib/cni"));
        String stdin = conf(state, "");
        var conf = NetConf.decode(stdin, env);
        var lease = Ipam.add(conf, env, Map.of("PATH", "/usr/bin:/bin"), stdin);
        assertTrue(lease.containsKey("ips"), lease.toString());
        new StateStore(state).save(new Attachment(container, "net1", "vdpa-net", env.netns(), AttachMode.OVS, null, null, null,
                "02:00:00:00:00:01", null, port, "br-vp", port, null, null, null, null, true, Map.of()));
    }

    @Test
    void status_answers_50_when_ovs_or_the_bridge_is_missing() throws Exception {
        var node = new FakeNode(tree("sys-status")).node();
        Path state = tree("state-status");
        assertEquals(0, call(node, "STATUS", "", conf(state, "")).rc());
        var noBridge = call(node, "STATUS", "", conf(state, "").replace("br-vp", "br-none"));
        assertEquals(CniError.NOT_AVAILABLE, noBridge.code());
        assertEquals("OVS bridge br-none does not exist", noBridge.msg());
        var down = call(node, "STATUS", "", conf(state, "").replace(ovs.dbSocket().toString(), dir.resolve("none.sock").toString()));
        assertEquals(CniError.NOT_AVAILABLE, down.code());
        assertEquals("Open vSwitch database unreachable", down.msg());
        assertTrue(((String) down.doc().get("details")).contains("none.sock"), down.toString());
        var noOvn = call(node, "STATUS", "", conf(state, ",\"mode\":\"ovn\",\"ovnNorthbound\":\"" + dir.resolve("no-nb.sock") + "\"")
                .replace("\"bridge\":\"br-vp\",", ""));
        assertEquals(CniError.NOT_AVAILABLE, noOvn.code(), noOvn.toString());
        assertEquals("OVS bridge br-int does not exist", noOvn.msg(), "ovn mode plugs into br-int unless told otherwise");
        var nbDown = call(node, "STATUS", "", conf(state, ",\"mode\":\"ovn\",\"ovnNorthbound\":\"" + dir.resolve("no-nb.sock") + "\""));
        assertEquals(CniError.NOT_AVAILABLE, nbDown.code(), nbDown.toString());
        assertEquals("OVN Northbound database unreachable", nbDown.msg());
    }
}
