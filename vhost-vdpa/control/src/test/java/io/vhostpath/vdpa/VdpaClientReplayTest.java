package io.vhostpath.vdpa;

import io.vhostpath.net.MacAddress;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.netlink.ReplayTransport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client on netlink bytes recorded from a real 6.12 kernel with vdpa_sim_net (src/test/resources/netlink). */
class VdpaClientReplayTest {

    @Test
    void management_devices_decode_from_the_kernels_dump() {
        try (var c = new VdpaClient(ReplayTransport.of("mgmtdev-dump"))) {
            var all = c.mgmtDevices();
            assertEquals(1, all.size());
            var m = all.getFirst();
            assertEquals("vdpasim_net", m.handle());
            assertEquals(null, m.bus());
            assertTrue(m.supportsNet());
            assertEquals(3, m.maxVqs());
            assertTrue((m.supportedFeatures() & (1L << 5)) != 0, "VIRTIO_NET_F_MAC");
            assertTrue((m.supportedFeatures() & (1L << 32)) != 0, "VIRTIO_F_VERSION_1");
        }
    }

    @Test
    void add_show_config_list_delete_match_the_recorded_conversation() {
        try (var c = new VdpaClient(ReplayTransport.of("dev-add-get-config-del"))) {
            c.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:11:22:33:44:55")).withMtu(1400));
            var d = c.device("vdpa0");
            assertEquals(new VdpaDevice("vdpa0", "vdpasim_net", 1, 0, 3, 256, d.minVqSize()), d);
            var config = c.config("vdpa0");
            assertEquals(MacAddress.parse("02:11:22:33:44:55"), config.mac());
            assertEquals(1400, config.mtu());
            assertEquals(List.of(d), c.devices());
            c.delete("vdpa0");
        }
    }

    @Test
    void kernel_refusals_carry_errno_and_the_extended_ack() {
        try (var c = new VdpaClient(ReplayTransport.of("dev-add-unsupported-attr"))) {
            var e = assertThrows(NetlinkException.class, () -> c.add(NewDevice.of("vdpa0", "vdpasim_net").withMaxVqPairs(2)));
            assertEquals(95, e.errno());
            assertEquals("vdpa: Some provided attributes are not supported: 0x1000", e.kernelMessage());
        }
        try (var c = new VdpaClient(ReplayTransport.of("dev-del-missing"))) {
            var e = assertThrows(NetlinkException.class, () -> c.delete("nope0"));
            assertEquals(19, e.errno());
            assertTrue(e.getMessage().startsWith("vdpa dev del nope0 failed: errno=19 (No such device)"), e.getMessage());
        }
    }
}
