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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Northbound client against real OVN (northd, ovn-controller on a userspace OVS): a logical switch port made by
 * the client and an OVS port with {@code external_ids:iface-id} (a veth end here, a VF representor on a node) get
 * bound: the port goes up and its Port_Binding names the chassis. Removing it leaves the switch.
 */
class OvnNorthboundTest {
    @TempDir
    static Path dir;
    static OvnTestbed ovn;
    static final String VETH = "vp-ovn" + (ProcessHandle.current().pid() % 10000);

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OvnTestbed.installed(), "OVN (ovn-central, ovn-host) not installed: run scripts/setup.sh");
        ovn = OvnTestbed.start(dir);
        ovn.ovs().run("ip", "link", "add", VETH, "type", "veth", "peer", "name", VETH + "p");
        ovn.ovs().run("ip", "link", "set", VETH, "up");
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovn == null) return;
        ovn.ovs().run("ip", "link", "del", VETH);
        ovn.close();
    }

    @Test
    void a_port_made_here_is_bound_by_ovn_controller_and_removed_without_its_switch() throws Exception {
        String lsp = "vdpa-net_c1_net1";
        try (var nbClient = OvsdbClient.connect(ovn.northbound()); var ovsClient = OvsdbClient.connect(ovn.ovs().dbSocket())) {
            var nb = new OvnNorthbound(nbClient);
            String ls = nb.ensureSwitch("vdpa-net", Map.of("vhostpath-network", "vdpa-net"));
            assertEquals(ls, nb.ensureSwitch("vdpa-net", Map.of()), "the second attachment finds the first one's switch");
            nb.addPort(ls, lsp, "02:00:00:00:00:11 10.70.0.5", Map.of("vhostpath-attachment", "c1-net1"));
            assertEquals("[\"02:00:00:00:00:11 10.70.0.5\"]", ovn.nbctl("get", "Logical_Switch_Port", lsp, "port_security"));
            assertEquals(Map.of(lsp, "c1-net1"), nb.portsWithExternalId("vhostpath-attachment"));

            new OvsSwitch(ovsClient).plug(new OvsSwitch.PortSpec("br-int", VETH, "", Map.of(), Map.of("iface-id", lsp), null,
                    List.of(), null));
            OvnNorthbound.SwitchPort port = null;
            for (int i = 0; i < 300 && (port == null || !Boolean.TRUE.equals(port.up())); i++) {
                Thread.sleep(100);
                port = nb.port(lsp).orElseThrow();
            }
            assertEquals(Boolean.TRUE, port.up(), "ovn-controller bound the port: " + port);
            assertEquals("vdpa-net", port.logicalSwitch());
            String chassis = ovn.sbctl("--bare", "--columns=_uuid", "find", "Chassis", "name=" + OvnTestbed.CHASSIS);
            assertFalse(chassis.isEmpty());
            assertEquals(chassis, ovn.sbctl("--bare", "--columns=chassis", "find", "Port_Binding", "logical_port=" + lsp),
                    "the Port_Binding names this chassis");

            assertTrue(nb.removePort(lsp));
            assertTrue(nb.port(lsp).isEmpty());
            assertFalse(nb.removePort(lsp), "a second remove finds nothing");
            assertTrue(nb.switchUuid("vdpa-net").isPresent(), "the network's switch stays for the other attachments");
            assertTrue(new OvsSwitch(ovsClient).unplug(VETH));
        }
    }
}
