package io.vhostpath.vdpa.sysfs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sysfs logic on fake trees laid out as the 6.12 kernel lays them (see the class comment of VdpaSysfs). */
class VdpaSysfsTest {
    @TempDir
    Path root;

    private Path sys() { return root.resolve("sys"); }
    private Path dev() { return root.resolve("dev"); }

    /** A device under {@code parent}, linked from the bus, bound to {@code driver} (or unbound if null). */
    private Path device(String name, String parent, String driver) throws IOException {
        Path real = Files.createDirectories(sys().resolve("devices").resolve(parent).resolve(name));
        Path bus = Files.createDirectories(sys().resolve("bus/vdpa/devices"));
        Files.createSymbolicLink(bus.resolve(name), real);
        for (String d : List.of("vhost_vdpa", "virtio_vdpa")) {
            Path dir = Files.createDirectories(sys().resolve("bus/vdpa/drivers").resolve(d));
            if (!Files.exists(dir.resolve("bind"))) {
                Files.writeString(dir.resolve("bind"), "");
                Files.writeString(dir.resolve("unbind"), "");
            }
        }
        Files.writeString(real.resolve("driver_override"), "(null)\n");
        if (driver != null) Files.createSymbolicLink(real.resolve("driver"), sys().resolve("bus/vdpa/drivers").resolve(driver));
        return real;
    }

    private Path vhostEntry(Path device, String node, String majorMinor) throws IOException {
        Path e = Files.createDirectories(device.resolve(node));
        Files.writeString(e.resolve("dev"), majorMinor + "\n");
        return e;
    }

    @Test
    void drivers_and_devices_are_read_from_the_bus() throws IOException {
        device("vdpa0", "vdpasim", "vhost_vdpa");
        device("vdpa1", "pci0000:00/0000:65:00.2", "virtio_vdpa");
        device("vdpa2", "vdpasim", null);
        var s = new VdpaSysfs(sys(), dev());
        assertEquals(List.of("vdpa0", "vdpa1", "vdpa2"), s.devices());
        assertEquals(Optional.of(VdpaDriver.VHOST_VDPA), s.driver("vdpa0"));
        assertEquals(Optional.of(VdpaDriver.VIRTIO_VDPA), s.driver("vdpa1"));
        assertEquals(Optional.empty(), s.driver("vdpa2"));
        assertEquals(List.of("vdpa1"), s.devicesOf("0000:65:00.2"));
        var missing = assertThrows(SysfsException.class, () -> s.driver("vdpa9"));
        assertTrue(missing.getMessage().startsWith("vdpa device vdpa9 not found"), missing.getMessage());
    }

    @Test
    void no_vdpa_bus_says_which_module_is_missing() {
        var e = assertThrows(SysfsException.class, () -> new VdpaSysfs(sys(), dev()).driver("vdpa0"));
        assertTrue(e.getMessage().endsWith("(no vdpa bus: is the vdpa module loaded?)"), e.getMessage());
        assertEquals(List.of(), new VdpaSysfs(sys(), dev()).devices());
    }

    @Test
    void the_netdev_of_a_virtio_bound_device_is_found() throws IOException {
        Path d = device("vdpa0", "vdpasim", "virtio_vdpa");
        Files.createDirectories(d.resolve("virtio3/net/eth7"));
        var s = new VdpaSysfs(sys(), dev());
        assertEquals(Optional.of("eth7"), s.netdev("vdpa0"));
        var e = assertThrows(SysfsException.class, () -> s.vhostDevice("vdpa0"));
        assertEquals("vdpa device vdpa0 has no vhost-vdpa-N entry in " + sys().resolve("bus/vdpa/devices/vdpa0")
                + ": bound to virtio_vdpa, not vhost_vdpa", e.getMessage());
    }

    @Test
    void a_missing_dev_node_and_a_non_device_are_named() throws IOException {
        Path d = device("vdpa0", "vdpasim", "vhost_vdpa");
        vhostEntry(d, "vhost-vdpa-0", "245:0");
        var s = new VdpaSysfs(sys(), dev());
        var missing = assertThrows(SysfsException.class, () -> s.vhostDevice("vdpa0"));
        assertTrue(missing.getMessage().contains("vhost-vdpa-0 does not exist (sysfs says 245:0"), missing.getMessage());
        Files.createDirectories(dev());
        Files.writeString(dev().resolve("vhost-vdpa-0"), "");
        var regular = assertThrows(SysfsException.class, () -> s.vhostDevice("vdpa0"));
        assertTrue(regular.getMessage().endsWith("vhost-vdpa-0 is not a character device"), regular.getMessage());
    }

    @Test
    void a_char_device_with_the_wrong_numbers_is_refused_and_the_right_one_resolves() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "mknod needs root");
        Path d = device("vdpa0", "vdpasim", "vhost_vdpa");
        vhostEntry(d, "vhost-vdpa-0", "245:0");
        Files.createDirectories(dev());
        mknod(dev().resolve("vhost-vdpa-0"), 245, 1);
        var s = new VdpaSysfs(sys(), dev());
        var wrong = assertThrows(SysfsException.class, () -> s.vhostDevice("vdpa0"));
        assertTrue(wrong.getMessage().endsWith("vhost-vdpa-0 is 245:1, sysfs says 245:0"), wrong.getMessage());
        Files.delete(dev().resolve("vhost-vdpa-0"));
        mknod(dev().resolve("vhost-vdpa-0"), 245, 0);
        assertEquals(new VhostVdpaPath("vdpa0", dev().resolve("vhost-vdpa-0"), 245, 0), s.vhostDevice("vdpa0"));
    }

    private static void mknod(Path p, int major, int minor) throws Exception {
        var proc = new ProcessBuilder("mknod", p.toString(), "c", Integer.toString(major), Integer.toString(minor))
                .redirectErrorStream(true).start();
        assertEquals(0, proc.waitFor(), new String(proc.getInputStream().readAllBytes()));
    }

    @Test
    void bind_writes_unbind_override_bind_and_clears_the_override_then_checks_the_result() throws IOException {
        Path d = device("vdpa0", "vdpasim", "virtio_vdpa");
        var s = new VdpaSysfs(sys(), dev());
        // A fake tree has no kernel to move the driver link: the write sequence is done, the check catches it.
        var e = assertThrows(SysfsException.class, () -> s.bind("vdpa0", VdpaDriver.VHOST_VDPA));
        assertEquals("vdpa device vdpa0 did not bind to vhost_vdpa (now virtio_vdpa)", e.getMessage());
        assertEquals("vdpa0", Files.readString(sys().resolve("bus/vdpa/drivers/virtio_vdpa/unbind")));
        assertEquals("vdpa0", Files.readString(sys().resolve("bus/vdpa/drivers/vhost_vdpa/bind")));
        assertEquals("\n", Files.readString(d.resolve("driver_override")), "override cleared after bind");
        s.bind("vdpa0", VdpaDriver.VIRTIO_VDPA);   // already bound there: nothing written
        assertEquals("", Files.readString(sys().resolve("bus/vdpa/drivers/virtio_vdpa/bind")));
    }

    @Test
    void binding_to_a_driver_that_is_not_loaded_says_modprobe() throws IOException {
        device("vdpa0", "vdpasim", null);
        Files.delete(sys().resolve("bus/vdpa/drivers/vhost_vdpa/bind"));
        var e = assertThrows(SysfsException.class, () -> new VdpaSysfs(sys(), dev()).bind("vdpa0", VdpaDriver.VHOST_VDPA));
        assertTrue(e.getMessage().endsWith(": modprobe vhost_vdpa"), e.getMessage());
    }
}
