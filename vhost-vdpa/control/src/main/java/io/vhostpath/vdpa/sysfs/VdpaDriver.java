package io.vhostpath.vdpa.sysfs;

/** The vdpa bus drivers a device can be bound to. */
public enum VdpaDriver {
    /** Userspace gets {@code /dev/vhost-vdpa-N} (DPDK virtio_user, QEMU). */
    VHOST_VDPA("vhost_vdpa"),
    /** The kernel gets a virtio device, and with virtio_net a netdev. */
    VIRTIO_VDPA("virtio_vdpa");

    private final String sysfsName;

    VdpaDriver(String sysfsName) {
        this.sysfsName = sysfsName;
    }

    public String sysfsName() { return sysfsName; }

    public static VdpaDriver bySysfsName(String name) {
        for (VdpaDriver d : values()) if (d.sysfsName.equals(name)) return d;
        throw new IllegalArgumentException("unknown vdpa driver '" + name + "' (vhost_vdpa or virtio_vdpa)");
    }
}
