package io.vhostpath.vdpa.kernel;

import io.vhostpath.net.MacAddress;
import com.fasterxml.jackson.databind.JsonNode;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.vdpa.MgmtDevice;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.VdpaClient;
import io.vhostpath.vdpa.sysfs.SysfsException;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import io.vhostpath.vdpa.vhost.VhostVdpa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library against a real kernel's vDPA (the simulator, vdpasim_net) and against iproute2 on the same kernel.
 * Runs inside the QEMU guest ({@code make kernel-test}); excluded from the host's surefire run.
 */
@Tag("kernel")
class KernelVdpaTest {
    private final VdpaClient vdpa = VdpaClient.open();
    private final VdpaSysfs sysfs = VdpaSysfs.system();

    @BeforeEach
    @AfterEach
    void noDevicesLeft() {
        for (var d : vdpa.devices()) vdpa.delete(d.name());
    }

    @AfterEach
    void close() {
        vdpa.close();
    }

    @Test
    void management_devices_agree_with_iproute2_field_by_field() throws Exception {
        List<MgmtDevice> ours = vdpa.mgmtDevices();
        JsonNode theirs = Iproute2.json("mgmtdev", "show").get("mgmtdev");
        assertEquals(theirs.size(), ours.size(), theirs::toString);
        for (MgmtDevice m : ours) {
            JsonNode t = theirs.get(m.handle());
            assertTrue(t != null, () -> m.handle() + " missing from " + theirs);
            assertEquals(t.get("supported_classes").get(0).asText().equals("net"), m.supportsNet(), t::toString);
            assertEquals(t.get("max_supported_vqs").asLong(), m.maxVqs(), t::toString);
            assertEquals(t.get("dev_features").size(), Long.bitCount(m.supportedFeatures()), t::toString);
        }
        assertEquals(ours.getFirst(), vdpa.mgmtDevice("vdpasim_net"));
    }

    @Test
    void a_device_added_with_mac_and_mtu_reads_back_the_same_as_iproute2_sees_it() throws Exception {
        MacAddress mac = MacAddress.parse("02:11:22:33:44:55");
        vdpa.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(mac).withMtu(1400));
        var dev = vdpa.device("vdpa0");
        JsonNode t = Iproute2.json("dev", "show", "vdpa0").get("dev").get("vdpa0");
        assertEquals(t.get("mgmtdev").asText(), dev.mgmtDevice());
        assertEquals("network", t.get("type").asText());
        assertTrue(dev.isNet());
        assertEquals(t.get("vendor_id").asLong(), dev.vendorId());
        assertEquals(t.get("max_vqs").asLong(), dev.maxVqs());
        assertEquals(t.get("max_vq_size").asInt(), dev.maxVqSize());
        assertEquals(List.of(dev), vdpa.devices());

        var config = vdpa.config("vdpa0");
        JsonNode c = Iproute2.json("dev", "config", "show", "vdpa0").get("config").get("vdpa0");
        assertEquals(MacAddress.parse(c.get("mac").asText()), config.mac());
        assertEquals(MacAddress.parse("02:11:22:33:44:55"), config.mac());
        assertEquals(c.get("link").asText().equals("up"), config.linkUp());
        assertEquals(c.get("mtu").asInt(), config.mtu());
        assertEquals(1400, config.mtu());
        // Reported only once a driver negotiated multiqueue: absent on both sides, or equal.
        assertEquals(c.has("max_vq_pairs") ? Integer.valueOf(c.get("max_vq_pairs").asInt()) : null, config.maxVqPairs());
    }

    @Test
    void an_attribute_the_management_device_lacks_is_refused_with_the_kernels_reason() {
        // vdpasim_net accepts MAC and MTU only; max queue pairs (attribute 12, bit 0x1000) it refuses.
        var e = assertThrows(NetlinkException.class,
                () -> vdpa.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:00:00:00:00:09")).withMaxVqPairs(1)));
        assertEquals(95, e.errno(), e.getMessage());
        assertEquals("vdpa: Some provided attributes are not supported: 0x1000", e.kernelMessage());
        assertEquals(List.of(), vdpa.devices());
    }

    @Test
    void errors_carry_the_errno_and_leave_no_device_behind() {
        vdpa.add(NewDevice.of("vdpa0", "vdpasim_net"));
        var duplicate = assertThrows(NetlinkException.class, () -> vdpa.add(NewDevice.of("vdpa0", "vdpasim_net")));
        assertEquals(17, duplicate.errno(), duplicate.getMessage());
        assertTrue(duplicate.getMessage().startsWith("vdpa dev add name vdpa0 mgmtdev vdpasim_net failed: errno=17"),
                duplicate.getMessage());
        var unknown = assertThrows(NetlinkException.class, () -> vdpa.add(NewDevice.of("vdpa1", "pci/0000:00:00.7")));
        assertEquals(19, unknown.errno(), unknown.getMessage());
        vdpa.delete("vdpa0");
        var missing = assertThrows(NetlinkException.class, () -> vdpa.delete("vdpa0"));
        assertEquals(19, missing.errno(), missing.getMessage());
        assertEquals(List.of(), vdpa.devices());
        assertEquals(List.of(), sysfs.devices());
    }

    @Test
    void add_and_delete_cycles_leave_nothing_behind() throws Exception {
        for (int i = 0; i < 5; i++) {
            vdpa.add(NewDevice.of("cycle" + i, "vdpasim_net").withMac(MacAddress.parse("02:00:00:00:00:0" + i)));
            var node = sysfs.vhostDevice("cycle" + i);
            assertTrue(Files.exists(node.path()));
            vdpa.delete("cycle" + i);
            assertFalse(Files.exists(node.path()), node + " still there after delete");
        }
        assertEquals(0, Iproute2.json("dev", "show").get("dev").size());
    }

    @Test
    void rebinding_moves_the_device_between_char_device_and_netdev() {
        vdpa.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:aa:bb:cc:dd:01")));
        sysfs.bind("vdpa0", VdpaDriver.VHOST_VDPA);
        var node = sysfs.vhostDevice("vdpa0");
        assertTrue(Files.exists(node.path()));
        assertTrue(sysfs.netdev("vdpa0").isEmpty());

        sysfs.bind("vdpa0", VdpaDriver.VIRTIO_VDPA);
        assertEquals(VdpaDriver.VIRTIO_VDPA, sysfs.driver("vdpa0").orElseThrow());
        String ifname = sysfs.netdev("vdpa0").orElseThrow(() -> new AssertionError("no netdev under virtio_vdpa"));
        assertTrue(Files.exists(java.nio.file.Path.of("/sys/class/net", ifname)));
        assertFalse(Files.exists(node.path()), "the char device goes with vhost_vdpa");
        var e = assertThrows(SysfsException.class, () -> sysfs.vhostDevice("vdpa0"));
        assertTrue(e.getMessage().contains("bound to virtio_vdpa"), e.getMessage());

        sysfs.bind("vdpa0", VdpaDriver.VHOST_VDPA);
        assertTrue(Files.exists(sysfs.vhostDevice("vdpa0").path()));
        assertTrue(sysfs.netdev("vdpa0").isEmpty());
        sysfs.unbind("vdpa0");
        assertTrue(sysfs.driver("vdpa0").isEmpty());
    }

    @Test
    void the_ioctl_view_matches_the_netlink_view() {
        vdpa.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:11:22:33:44:66")).withMtu(1500));
        sysfs.bind("vdpa0", VdpaDriver.VHOST_VDPA);
        var config = vdpa.config("vdpa0");
        var dev = vdpa.device("vdpa0");
        try (var vhost = VhostVdpa.open(sysfs.vhostDevice("vdpa0").path())) {
            assertEquals(dev.deviceId(), vhost.deviceId());
            var net = vhost.netConfig();
            assertEquals(config.mac(), net.mac());
            assertEquals(config.mtu(), net.mtu());
            assertEquals(config.linkUp(), net.linkUp());
            assertEquals(dev.maxVqs(), vhost.queueCount());
            assertEquals(dev.maxVqSize(), vhost.vringSize());
            assertTrue((vhost.features() & (1L << 32)) != 0, "VIRTIO_F_VERSION_1 offered");
        }
    }

    @Test
    void setting_the_mac_of_an_existing_device_works_or_says_why_not() {
        vdpa.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:00:00:00:00:01")));
        MacAddress mac = MacAddress.parse("02:00:00:00:00:02");
        try {
            vdpa.setMac("vdpa0", mac);
            assertEquals(mac, vdpa.config("vdpa0").mac());
        } catch (NetlinkException e) {
            // Kernels before 6.12, or a management device without the capability: the kernel's answer, named.
            assertTrue(e.errno() == 95 || e.errno() == 22, e.getMessage());
        }
    }
}
