package io.vhostpath.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sysfs tree shaped like a real node's SR-IOV parts, under a temp directory: PCI PFs with VFs (virtfnN links,
 * driver links, VF netdevs with MACs, representor netdevs sharing the PF's device), and a netdevsim device whose
 * VFs have no PCI functions.
 */
public final class FakeSriovNode {
    public final Path sys;
    /** The /dev beside it, for vhost-vdpa character nodes. */
    public final Path dev;

    public FakeSriovNode(Path root) {
        this.sys = root;
        this.dev = root.resolveSibling("dev");
        mkdirs("bus/pci/drivers/mlx5_core");
        mkdirs("bus/netdevsim");
        mkdirs("class/net");
    }

    public NodeSysfs sysfs() {
        return new NodeSysfs(sys);
    }

    /** A PCI PF {@code address} with uplink {@code netdev} and {@code numVfs} VFs bound to mlx5_core. */
    public FakeSriovNode pciPf(String netdev, String address, String vendor, String device, int totalVfs, int numVfs) {
        return pciPf(netdev, address, vendor, device, totalVfs, numVfs, 0);
    }

    public FakeSriovNode pciPf(String netdev, String address, String vendor, String device, int totalVfs, int numVfs, int numaNode) {
        Path dev = mkdirs("devices/pci0000:00/" + address);
        write(dev.resolve("vendor"), "0x" + vendor);
        write(dev.resolve("device"), "0x" + device);
        write(dev.resolve("sriov_totalvfs"), Integer.toString(totalVfs));
        write(dev.resolve("numa_node"), Integer.toString(numaNode));
        link(dev.resolve("subsystem"), sys.resolve("bus/pci"));
        link(mkdirs("bus/pci/devices").resolve(address), dev);
        netdev(netdev, dev, "p0");
        setVfs(address, numVfs);
        return this;
    }

    /** Replaces the VFs of PCI PF {@code address}: VF i is function {@code 2+i} of the PF's slot. */
    public FakeSriovNode setVfs(String address, int numVfs) {
        Path dev = sys.resolve("devices/pci0000:00/" + address);
        write(dev.resolve("sriov_numvfs"), Integer.toString(numVfs));
        try (var s = Files.list(dev)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("virtfn")).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < numVfs; i++) {
            String vf = vfAddress(address, i);
            Path vfDev = mkdirs("devices/pci0000:00/" + vf);
            link(mkdirs("bus/pci/devices").resolve(vf), vfDev);
            Path driver = vfDev.resolve("driver");
            if (!Files.exists(driver, java.nio.file.LinkOption.NOFOLLOW_LINKS)) link(driver, sys.resolve("bus/pci/drivers/mlx5_core"));
            write(mkdirs("devices/pci0000:00/" + vf + "/net/eth" + i).resolve("address"), "0c:42:a1:00:00:0" + i);
            link(dev.resolve("virtfn" + i), vfDev);
        }
        return this;
    }

    public static String vfAddress(String pf, int i) {
        return pf.substring(0, pf.length() - 1) + (2 + i);
    }

    /** Unbinds VF {@code i} of PF {@code address}. */
    public FakeSriovNode unbindVf(String address, int i) {
        try {
            Files.delete(sys.resolve("devices/pci0000:00/" + vfAddress(address, i) + "/driver"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A netdevsim device ({@code netdevsim<id>}) with uplink {@code netdev} and representors for its VFs. */
    public FakeSriovNode netdevsim(int id, String netdev, int numVfs) {
        Path dev = mkdirs("devices/netdevsim" + id);
        write(dev.resolve("sriov_numvfs"), Integer.toString(numVfs));
        link(dev.resolve("subsystem"), sys.resolve("bus/netdevsim"));
        link(mkdirs("bus/netdevsim/devices").resolve("netdevsim" + id), dev);
        netdev(netdev, dev, "p0");
        for (int i = 0; i < numVfs; i++) netdev(netdev + "pf0vf" + i, dev, "pf0vf" + i);
        return this;
    }

    /**
     * A vDPA device under {@code parent} (a VF's PCI address), bound to {@code driver} ({@code vhost_vdpa},
     * {@code virtio_vdpa}, or null), with {@code vhost-vdpa-<minor>} and a real character node {@code 240:minor}
     * (mknod) when bound to vhost_vdpa.
     */
    public FakeSriovNode vdpaDevice(String name, String parent, String driver, int minor) {
        Path real = mkdirs("devices/pci0000:00/" + parent + "/" + name);
        for (String d : java.util.List.of("vhost_vdpa", "virtio_vdpa")) mkdirs("bus/vdpa/drivers/" + d);
        link(mkdirs("bus/vdpa/devices").resolve(name), real);
        Path driverLink = real.resolve("driver");
        try (var s = Files.list(real)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("vhost-vdpa-")).toList()) deleteTree(p);
            Files.deleteIfExists(driverLink);
            Files.deleteIfExists(dev.resolve("vhost-vdpa-" + minor));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (driver == null) return this;
        link(driverLink, sys.resolve("bus/vdpa/drivers").resolve(driver));
        if (driver.equals("vhost_vdpa")) {
            write(mkdirs("devices/pci0000:00/" + parent + "/" + name + "/vhost-vdpa-" + minor).resolve("dev"), "240:" + minor);
            mknod(dev.resolve("vhost-vdpa-" + minor), 240, minor);
        }
        return this;
    }

    /** Removes the vDPA device from the bus, as {@code vdpa dev del} does (its /dev node goes too). */
    public FakeSriovNode deleteVdpaDevice(String name, String parent, int minor) {
        try {
            Files.deleteIfExists(sys.resolve("bus/vdpa/devices").resolve(name));
            deleteTree(sys.resolve("devices/pci0000:00/" + parent + "/" + name));
            Files.deleteIfExists(dev.resolve("vhost-vdpa-" + minor));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    static void mknod(Path node, int major, int minor) {
        try {
            Files.createDirectories(node.getParent());
            Process p = new ProcessBuilder("mknod", node.toString(), "c", Integer.toString(major), Integer.toString(minor))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("mknod " + node + ": " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.list(p)) {
                for (Path c : s.toList()) deleteTree(c);
            }
        }
        Files.delete(p);
    }

    private void netdev(String name, Path device, String portName) {
        Path n = mkdirs("devices/virtual-net/" + name);
        link(n.resolve("device"), device);
        write(n.resolve("phys_port_name"), portName);
        link(sys.resolve("class/net").resolve(name), n);
    }

    public Path mkdirs(String rel) {
        try {
            return Files.createDirectories(sys.resolve(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
