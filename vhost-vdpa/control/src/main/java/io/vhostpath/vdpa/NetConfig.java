package io.vhostpath.vdpa;

import io.vhostpath.net.MacAddress;

/**
 * A virtio-net vDPA device's configuration ({@code VDPA_CMD_DEV_CONFIG_GET}). Absent values are null.
 *
 * @param mac                 the device MAC, or null
 * @param status              the virtio-net status bits (VIRTIO_NET_S_LINK_UP = 1, VIRTIO_NET_S_ANNOUNCE = 2), or
 *                            null when not reported
 * @param negotiatedFeatures  features the driver negotiated (0 before a driver attached)
 */
public record NetConfig(String name, MacAddress mac, Integer status, Integer mtu, Integer maxVqPairs, long negotiatedFeatures,
                        Long deviceFeatures) {
    public static final int VIRTIO_NET_S_ANNOUNCE = 2;

    /** VIRTIO_NET_S_LINK_UP, or null when the status is not reported. */
    public Boolean linkUp() {
        return status == null ? null : (status & VdpaNetlink.VIRTIO_NET_S_LINK_UP) != 0;
    }

    /** VIRTIO_NET_S_ANNOUNCE, or null when the status is not reported. */
    public Boolean linkAnnounce() {
        return status == null ? null : (status & VIRTIO_NET_S_ANNOUNCE) != 0;
    }
}
