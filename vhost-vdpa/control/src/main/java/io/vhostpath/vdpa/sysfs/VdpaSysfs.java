package io.vhostpath.vdpa.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The vdpa bus in sysfs, and the device nodes it leads to. Both roots are parameters, so tests build fake
 * trees in a temp directory.
 *
 * <pre>
 *   {sys}/bus/vdpa/devices/vdpa0 -> ../../../devices/.../vdpa0
 *         vdpa0/driver -> ../../bus/vdpa/drivers/vhost_vdpa
 *         vdpa0/driver_override            "(null)" or a driver name
 *         vdpa0/vhost-vdpa-0/dev           "245:0"       (bound to vhost_vdpa)
 *         vdpa0/virtio3/net/eth0           (bound to virtio_vdpa, virtio_net loaded)
 *   {sys}/bus/vdpa/drivers/{vhost_vdpa,virtio_vdpa}/{bind,unbind}
 *   {dev}/vhost-vdpa-0                     character device 245:0
 * </pre>
 */
public final class VdpaSysfs {
    private final Path sys;
    private final Path dev;

    public VdpaSysfs(Path sysRoot, Path devRoot) {
        this.sys = sysRoot;
        this.dev = devRoot;
    }

    public static VdpaSysfs system() {
        return new VdpaSysfs(Path.of("/sys"), Path.of("/dev"));
    }

    private Path bus() {
        return sys.resolve("bus/vdpa");
    }

    private Path device(String name) {
        Path d = bus().resolve("devices").resolve(name);
        if (!Files.exists(d)) {
            throw new SysfsException("vdpa device " + name + " not found: no " + d
                    + (Files.isDirectory(bus()) ? "" : " (no vdpa bus: is the vdpa module loaded?)"));
        }
        return d;
    }

    /** Names of every device on the vdpa bus. */
    public List<String> devices() {
        Path dir = bus().resolve("devices");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new SysfsException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The driver a device is bound to, if any. */
    public Optional<VdpaDriver> driver(String name) {
        Path link = device(name).resolve("driver");
        if (!Files.isSymbolicLink(link)) return Optional.empty();
        try {
            return Optional.of(VdpaDriver.bySysfsName(Files.readSymbolicLink(link).getFileName().toString()));
        } catch (IllegalArgumentException e) {
            throw new SysfsException("vdpa device " + name + " is bound to a driver vhostpath does not know: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SysfsException("cannot read " + link + ": " + e.getMessage(), e);
        }
    }

    /** Unbinds the device from its driver, if it has one. */
    public void unbind(String name) {
        Optional<VdpaDriver> current = driver(name);
        if (current.isPresent()) write(driverFile(current.get(), "unbind"), name, name);
    }

    /**
     * Binds the device to {@code driver} as the SR-IOV operator does: unbind from another driver, set
     * {@code driver_override} where the kernel has it, bind, then clear the override. A no-op when already bound.
     */
    public void bind(String name, VdpaDriver driver) {
        Optional<VdpaDriver> current = driver(name);
        if (current.equals(Optional.of(driver))) return;
        if (current.isPresent()) write(driverFile(current.get(), "unbind"), name, name);
        Path override = device(name).resolve("driver_override");
        boolean overridable = Files.exists(override);
        if (overridable) write(override, driver.sysfsName(), name);
        try {
            write(driverFile(driver, "bind"), name, name);
        } finally {
            // "\n" clears the override (an empty write is refused by sysfs).
            if (overridable) write(override, "\n", name);
        }
        if (!driver(name).equals(Optional.of(driver))) {
            throw new SysfsException("vdpa device " + name + " did not bind to " + driver.sysfsName()
                    + " (now " + driver(name).map(VdpaDriver::sysfsName).orElse("unbound") + ")");
        }
    }

    private Path driverFile(VdpaDriver driver, String file) {
        Path f = bus().resolve("drivers").resolve(driver.sysfsName()).resolve(file);
        if (!Files.exists(f)) {
            throw new SysfsException("driver " + driver.sysfsName() + " is not loaded (no " + f + "): modprobe "
                    + driver.sysfsName());
        }
        return f;
    }

    private static void write(Path file, String value, String device) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new SysfsException("vdpa device " + device + ": writing '" + value.strip() + "' to " + file
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code /dev/vhost-vdpa-N} of a device bound to vhost_vdpa, checked: the node exists, is a character
     * device, and has the major:minor sysfs lists for it.
     */
    public VhostVdpaPath vhostDevice(String name) {
        Path d = device(name);
        Path entry;
        try (Stream<Path> s = Files.list(d)) {
            entry = s.filter(p -> p.getFileName().toString().startsWith("vhost-vdpa-")).findFirst()
                    .orElseThrow(() -> new SysfsException("vdpa device " + name + " has no vhost-vdpa-N entry in " + d
                            + ": bound to " + driver(name).map(VdpaDriver::sysfsName).orElse("no driver")
                            + ", not vhost_vdpa"));
        } catch (IOException e) {
            throw new SysfsException("cannot list " + d + ": " + e.getMessage(), e);
        }
        String node = entry.getFileName().toString();
        String[] mm = read(entry.resolve("dev"), name).split(":");
        int major = Integer.parseInt(mm[0]);
        int minor = Integer.parseInt(mm[1]);
        Path path = dev.resolve(node);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new SysfsException("vdpa device " + name + ": " + path + " does not exist (sysfs says " + major + ":" + minor
                    + "; is devtmpfs mounted, or the node passed into the container?)");
        }
        try {
            var found = DeviceNode.stat(path, LinkOption.NOFOLLOW_LINKS);
            if (!found.character()) throw new SysfsException("vdpa device " + name + ": " + path + " is not a character device");
            if (found.major() != major || found.minor() != minor) {
                throw new SysfsException("vdpa device " + name + ": " + path + " is " + found + ", sysfs says " + major + ":" + minor);
            }
        } catch (IOException e) {
            throw new SysfsException("cannot stat " + path + ": " + e.getMessage(), e);
        }
        return new VhostVdpaPath(name, path, major, minor);
    }

    /** The kernel netdev of a device bound to virtio_vdpa (with virtio_net loaded), if there is one. */
    public Optional<String> netdev(String name) {
        Path d = device(name);
        try (Stream<Path> s = Files.list(d)) {
            for (Path virtio : s.filter(p -> p.getFileName().toString().matches("virtio\\d+")).toList()) {
                Path net = virtio.resolve("net");
                if (!Files.isDirectory(net)) continue;
                try (Stream<Path> n = Files.list(net)) {
                    var first = n.findFirst();
                    if (first.isPresent()) return Optional.of(first.get().getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new SysfsException("cannot list " + d + ": " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /**
     * Devices whose parent is {@code parent} (e.g. a VF's PCI address {@code 0000:65:00.2}, or {@code vdpasim_net}):
     * the vdpa device's real sysfs path runs through its parent.
     */
    public List<String> devicesOf(String parent) {
        var out = new ArrayList<String>();
        for (String name : devices()) {
            try {
                Path real = bus().resolve("devices").resolve(name).toRealPath();
                if (real.getParent() != null && real.getParent().getFileName().toString().equals(parent)) out.add(name);
            } catch (IOException e) {
                throw new SysfsException("cannot resolve vdpa device " + name + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static String read(Path file, String device) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new SysfsException("vdpa device " + device + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
