package io.vhostpath.ovsdb;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OVSDB client against a real ovsdb-server and ovs-vswitchd, checked with ovs-vsctl. */
class OvsSwitchTest {
    @TempDir
    static Path dir;
    static OvsTestbed ovs;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OvsTestbed.installed(), "Open vSwitch is not installed: run scripts/setup.sh");
        ovs = OvsTestbed.start(dir);
        ovs.vsctl("add-br", "br-test", "--", "set", "Bridge", "br-test", "datapath_type=netdev");
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovs != null) ovs.close();
    }

    @Test
    void a_port_plugged_with_ids_vlan_and_mtu_is_what_ovs_vsctl_sees_and_unplug_removes_it() throws Exception {
        try (var client = OvsdbClient.connect(ovs.dbSocket())) {
            var sw = new OvsSwitch(client);
            assertTrue(client.listDbs().contains("Open_vSwitch"));
            sw.plug(new OvsSwitch.PortSpec("br-test", "vp-rep0", "internal", Map.of(),
                    Map.of("vhostpath-attachment", "c1-net1", "iface-id", "lsp \"quoted\""), 100, List.of(), 1400));
            assertEquals("br-test", ovs.vsctl("port-to-br", "vp-rep0"));
            assertEquals("100", ovs.vsctl("get", "Port", "vp-rep0", "tag"));
            assertEquals("1400", ovs.vsctl("get", "Interface", "vp-rep0", "mtu_request"));
            assertEquals("\"lsp \\\"quoted\\\"\"", ovs.vsctl("get", "Interface", "vp-rep0", "external_ids:iface-id"));
            var port = sw.port("vp-rep0").orElseThrow();
            assertEquals("br-test", port.bridge());
            assertEquals(100, port.tag());
            assertEquals(1400, port.mtuRequest());
            assertEquals("c1-net1", port.externalIds().get("vhostpath-attachment"));
            assertEquals(Map.of("vp-rep0", "c1-net1"), sw.portsWithExternalId("vhostpath-attachment"));

            assertTrue(sw.unplug("vp-rep0"));
            assertEquals("", ovs.vsctl("list-ports", "br-test"));
            assertFalse(sw.unplug("vp-rep0"), "a second unplug finds nothing");
            assertTrue(sw.port("vp-rep0").isEmpty());
        }
    }

    @Test
    void trunks_are_a_set_of_vlans() throws Exception {
        try (var client = OvsdbClient.connect(ovs.dbSocket())) {
            var sw = new OvsSwitch(client);
            sw.plug(new OvsSwitch.PortSpec("br-test", "vp-trunk", "internal", Map.of(), Map.of(), null, List.of(10, 11, 20), null));
            assertEquals("[10, 11, 20]", ovs.vsctl("get", "Port", "vp-trunk", "trunks"));
            assertTrue(sw.unplug("vp-trunk"));
        }
    }

    @Test
    void a_missing_bridge_and_a_taken_name_are_refused_and_leave_nothing() throws Exception {
        try (var client = OvsdbClient.connect(ovs.dbSocket())) {
            var sw = new OvsSwitch(client);
            var e = assertThrows(OvsdbException.class, () -> sw.plug(new OvsSwitch.PortSpec("br-none", "vp-x", "internal",
                    Map.of(), Map.of(), null, List.of(), null)));
            assertEquals("OVS bridge br-none does not exist", e.getMessage());
            assertFalse(e.unreachable());
            assertTrue(sw.port("vp-x").isEmpty());
            assertFalse(sw.bridgeExists("br-none"));
            assertTrue(sw.bridgeExists("br-test"));

            sw.plug(new OvsSwitch.PortSpec("br-test", "vp-dup", "internal", Map.of(), Map.of(), null, List.of(), null));
            var dup = assertThrows(OvsdbException.class, () -> sw.plug(new OvsSwitch.PortSpec("br-test", "vp-dup", "internal",
                    Map.of(), Map.of(), null, List.of(), null)));
            assertTrue(dup.getMessage().contains("constraint violation"), dup.getMessage());
            assertEquals("vp-dup", ovs.vsctl("list-ports", "br-test"));
            assertTrue(sw.unplug("vp-dup"));
        }
    }

    @Test
    void a_socket_nobody_serves_is_unreachable() {
        var e = assertThrows(OvsdbException.class, () -> OvsdbClient.connect(dir.resolve("nobody.sock")));
        assertTrue(e.unreachable());
        assertTrue(e.getMessage().startsWith("cannot connect to OVSDB at " + dir.resolve("nobody.sock")), e.getMessage());
    }
}
