package io.vhostpath.vdpa;

import java.util.HexFormat;

/**
 * A virtio-net vDPA device's configuration ({@code VDPA_CMD_DEV_CONFIG_GET}). Absent values are null.
 *
 * @param mac                 the device MAC, or null
 * @param linkUp              VIRTIO_NET_S_LINK_UP, or null when the status is not reported
 * @param negotiatedFeatures  features the driver negotiated (0 before a driver attached)
 */
public record NetConfig(String name, byte[] mac, Boolean linkUp, Integer mtu, Integer maxVqPairs, long negotiatedFeatures,
                        Long deviceFeatures) {
    public String macText() {
        return mac == null ? null : HexFormat.ofDelimiter(":").formatHex(mac);
    }
}
