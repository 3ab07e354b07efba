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
final class FakeSriovNode {
    final Path sys;

    FakeSriovNode(Path root) {
        this.sys = root;
        mkdirs("bus/pci/drivers/mlx5_core");
        mkdirs("bus/netdevsim");
        mkdirs("class/net");
    }

    NodeSysfs sysfs() {
        return new NodeSysfs(sys);
    }

    /** A PCI PF {@code address} with uplink {@code netdev} and {@code numVfs} VFs bound to mlx5_core. */
    FakeSriovNode pciPf(String netdev, String address, String vendor, String device, int totalVfs, int numVfs) {
        Path dev = mkdirs("devices/pci0000:00/" + address);
        write(dev.resolve("vendor"), "0x" + vendor);
        write(dev.resolve("device"), "0x" + device);
        write(dev.resolve("sriov_totalvfs"), Integer.toString(totalVfs));
        write(dev.resolve("numa_node"), "0");
        link(dev.resolve("subsystem"), sys.resolve("bus/pci"));
        link(mkdirs("bus/pci/devices").resolve(address), dev);
        netdev(netdev, dev, "p0");
        setVfs(address, numVfs);
        return this;
    }

    /** Replaces the VFs of PCI PF {@code address}: VF i is function {@code 2+i} of the PF's slot. */
    FakeSriovNode setVfs(String address, int numVfs) {
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

    static String vfAddress(String pf, int i) {
        return pf.substring(0, pf.length() - 1) + (2 + i);
    }

    /** Unbinds VF {@code i} of PF {@code address}. */
    FakeSriovNode unbindVf(String address, int i) {
        try {
            Files.delete(sys.resolve("devices/pci0000:00/" + vfAddress(address, i) + "/driver"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A netdevsim device ({@code netdevsim<id>}) with uplink {@code netdev} and representors for its VFs. */
    FakeSriovNode netdevsim(int id, String netdev, int numVfs) {
        Path dev = mkdirs("devices/netdevsim" + id);
        write(dev.resolve("sriov_numvfs"), Integer.toString(numVfs));
        link(dev.resolve("subsystem"), sys.resolve("bus/netdevsim"));
        link(mkdirs("bus/netdevsim/devices").resolve("netdevsim" + id), dev);
        netdev(netdev, dev, "p0");
        for (int i = 0; i < numVfs; i++) netdev(netdev + "pf0vf" + i, dev, "pf0vf" + i);
        return this;
    }

    private void netdev(String name, Path device, String portName) {
        Path n = mkdirs("devices/virtual-net/" + name);
        link(n.resolve("device"), device);
        write(n.resolve("phys_port_name"), portName);
        link(sys.resolve("class/net").resolve(name), n);
    }

    Path mkdirs(String rel) {
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
