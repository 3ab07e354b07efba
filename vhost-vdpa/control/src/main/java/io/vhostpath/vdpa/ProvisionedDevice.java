package io.vhostpath.vdpa;

import io.vhostpath.net.MacAddress;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VhostVdpaPath;

/**
 * A vDPA device as provisioning sees it: where it comes from, its network configuration, the bus driver it is
 * bound to, and what that driver made of it.
 *
 * @param mac        the device MAC, or null when the device reports none
 * @param mtu        the MTU, or null when the device reports none
 * @param maxVqPairs queue pairs, or null when the device reports none
 * @param driver     the bus driver, or null when unbound
 */
public record ProvisionedDevice(String name, String mgmtDevice, MacAddress mac, Integer mtu, Integer maxVqPairs,
                                VdpaDriver driver, Endpoint endpoint) {

    /** What userspace or the kernel got from the bound driver. */
    public sealed interface Endpoint {}

    /** vhost_vdpa: the character device userspace opens (DPDK virtio_user, QEMU). */
    public record VhostNode(VhostVdpaPath node) implements Endpoint {}

    /** virtio_vdpa with virtio_net: a kernel network interface. */
    public record Netdev(String name) implements Endpoint {}

    /** Unbound, or bound without a usable end yet (virtio_vdpa without virtio_net). */
    public record NoEndpoint() implements Endpoint {}

    /** The {@code /dev/vhost-vdpa-N} node, for a device bound to vhost_vdpa. */
    public java.util.Optional<VhostVdpaPath> vhostNode() {
        return endpoint instanceof VhostNode v ? java.util.Optional.of(v.node()) : java.util.Optional.empty();
    }
}
