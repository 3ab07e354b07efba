package io.vhostpath.vdpa.kernel;

import io.vhostpath.net.Links;
import io.vhostpath.net.MacAddress;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.ProvisioningException;
import io.vhostpath.vdpa.VdpaClient;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provisioning API on the real kernel's vDPA simulator, in the QEMU guest: idempotent provision and release,
 * typed conflicts and absences, live MAC and MTU changes, and the rollback of a half-finished provision.
 */
@Tag("kernel")
class KernelProvisionTest {
    private static final MacAddress MAC = MacAddress.parse("02:11:22:33:44:55");
    private final VdpaProvisioner provisioner = VdpaProvisioner.system();

    @BeforeEach
    @AfterEach
    void noDevicesLeft() {
        for (var d : provisioner.list()) provisioner.release(d.name());
    }

    @AfterEach
    void close() {
        provisioner.close();
    }

    private static NewDevice vdpa0() {
        return NewDevice.of("vdpa0", "vdpasim_net").withMac(MAC).withMtu(1400);
    }

    @Test
    void provision_creates_binds_and_resolves_the_node_and_is_idempotent() throws Exception {
        ProvisionedDevice first = provisioner.provision(vdpa0(), VdpaDriver.VHOST_VDPA);
        assertEquals(VdpaDriver.VHOST_VDPA, first.driver());
        assertEquals(MAC, first.mac());
        assertEquals(1400, first.mtu());
        var node = first.vhostNode().orElseThrow();
        assertTrue(Files.exists(node.path()), node::toString);
        assertEquals(first, provisioner.provision(vdpa0(), VdpaDriver.VHOST_VDPA), "an identical device is returned as it is");
        assertEquals(first, provisioner.get("vdpa0"));
        assertEquals(java.util.List.of(first), provisioner.list());
        // What iproute2 sees is what we provisioned.
        var dev = Iproute2.json("dev", "show", "vdpa0").get("dev").get("vdpa0");
        assertEquals("vdpasim_net", dev.get("mgmtdev").asText());
    }

    @Test
    void a_device_of_the_same_name_that_differs_is_a_conflict_and_is_left_alone() {
        provisioner.provision(vdpa0(), VdpaDriver.VHOST_VDPA);
        var e = assertThrows(ProvisioningException.Conflict.class, () -> provisioner.provision(
                NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:00:00:00:00:99")), VdpaDriver.VHOST_VDPA));
        assertEquals("vdpa0", e.device());
        assertTrue(e.getMessage().contains("mac 02:11:22:33:44:55, asked 02:00:00:00:00:99"), e::getMessage);
        assertEquals(MAC, provisioner.get("vdpa0").mac(), "the existing device is untouched");
    }

    @Test
    void provisioning_converges_the_driver_of_an_existing_device() {
        provisioner.provision(vdpa0(), VdpaDriver.VIRTIO_VDPA);
        var d = provisioner.provision(vdpa0(), VdpaDriver.VHOST_VDPA);
        assertEquals(VdpaDriver.VHOST_VDPA, d.driver());
        assertTrue(d.vhostNode().isPresent());
    }

    @Test
    void release_is_idempotent_and_absences_are_typed() {
        provisioner.provision(vdpa0(), VdpaDriver.VHOST_VDPA);
        assertTrue(provisioner.release("vdpa0"));
        assertFalse(provisioner.release("vdpa0"));
        assertTrue(provisioner.find("vdpa0").isEmpty());
        var missing = assertThrows(ProvisioningException.NotFound.class, () -> provisioner.get("vdpa0"));
        assertEquals("vdpa0", missing.device());
        var noMgmt = assertThrows(ProvisioningException.NotFound.class,
                () -> provisioner.provision(NewDevice.of("vdpa1", "no_such_mgmtdev"), VdpaDriver.VHOST_VDPA));
        assertTrue(noMgmt.getMessage().contains("errno=19"), noMgmt::getMessage);
        var refused = assertThrows(ProvisioningException.KernelRefused.class, () -> provisioner.provision(
                NewDevice.of("vdpa1", "vdpasim_net").withMaxVqPairs(2), VdpaDriver.VHOST_VDPA));
        assertEquals(95, refused.errno());
        assertTrue(provisioner.list().isEmpty(), "nothing is left of refused provisions");
    }

    @Test
    void a_provision_that_fails_after_creating_the_device_deletes_it(@TempDir Path emptySys) throws Exception {
        // Real netlink, but a sysfs without the vdpa bus: the bind step fails after the kernel made the device.
        try (var halfBlind = new VdpaProvisioner(VdpaClient.open(), new VdpaSysfs(emptySys, Path.of("/dev")), Links::open)) {
            var e = assertThrows(ProvisioningException.SysfsState.class,
                    () -> halfBlind.provision(vdpa0(), VdpaDriver.VHOST_VDPA));
            assertEquals("vdpa0", e.device());
            assertTrue(e.getMessage().contains("vdpa device vdpa0 not found"), e::getMessage);
        }
        assertTrue(provisioner.list().isEmpty(), "the half-provisioned device was rolled back");
    }

    @Test
    void mac_changes_live_and_mtu_changes_where_the_kernel_has_a_netdev_for_it() {
        provisioner.provision(vdpa0(), VdpaDriver.VHOST_VDPA);
        var newMac = MacAddress.parse("02:00:00:00:00:42");
        try {
            assertEquals(newMac, provisioner.setMac("vdpa0", newMac).mac());
        } catch (ProvisioningException.KernelRefused e) {
            assertEquals(95, e.errno(), "only EOPNOTSUPP is an acceptable refusal: " + e.getMessage());
        }
        var fixed = assertThrows(ProvisioningException.Unsupported.class, () -> provisioner.setMtu("vdpa0", 1500));
        assertTrue(fixed.getMessage().contains("bound to vhost_vdpa"), fixed::getMessage);

        var kernelSide = provisioner.provision(NewDevice.of("vdpa1", "vdpasim_net").withMtu(1400), VdpaDriver.VIRTIO_VDPA);
        if (kernelSide.endpoint() instanceof ProvisionedDevice.Netdev(String netdev)) {
            var changed = provisioner.setMtu("vdpa1", 1300);
            assertInstanceOf(ProvisionedDevice.Netdev.class, changed.endpoint());
            try (var links = Links.open()) {
                assertEquals(1300, links.get(netdev).mtu());
            }
        } else {
            throw new AssertionError("virtio_vdpa with virtio_net gives a netdev: " + kernelSide);
        }
    }
}
