package io.vhostpath.cni;

import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A node whose sysfs is a tree in a temporary directory, laid out as Linux 6.12 lays out the vdpa bus, for the
 * steps before the kernel is asked anything. It has no vDPA netlink: the real one is in the QEMU guest tier.
 */
final class FakeNode {
    private final Path root;

    FakeNode(Path root) {
        this.root = root;
    }

    Node node() {
        return new Node(new VdpaSysfs(root.resolve("sys"), root.resolve("dev")), root.resolve("sys"), () -> {
            throw new AssertionError("no vDPA netlink on this host: a test that gets this far belongs in the guest tier");
        });
    }

    /** A vdpa device under {@code parent}, bound to {@code driver} (null: unbound), with a vhost-vdpa-N entry when vhost. */
    FakeNode device(String name, String parent, String driver) throws IOException {
        Path sys = root.resolve("sys");
        Path real = Files.createDirectories(sys.resolve("devices").resolve(parent).resolve(name));
        Files.createSymbolicLink(Files.createDirectories(sys.resolve("bus/vdpa/devices")).resolve(name), real);
        for (String d : List.of("vhost_vdpa", "virtio_vdpa")) Files.createDirectories(sys.resolve("bus/vdpa/drivers").resolve(d));
        if (driver != null) Files.createSymbolicLink(real.resolve("driver"), sys.resolve("bus/vdpa/drivers").resolve(driver));
        if ("vhost_vdpa".equals(driver)) {
            Path e = Files.createDirectories(real.resolve("vhost-vdpa-7"));
            Files.writeString(e.resolve("dev"), "240:7\n");
        }
        Files.createDirectories(root.resolve("dev"));
        return this;
    }
}
