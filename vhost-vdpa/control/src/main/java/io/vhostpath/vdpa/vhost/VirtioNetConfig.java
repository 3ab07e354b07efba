package io.vhostpath.vdpa.vhost;

import io.vhostpath.net.MacAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_net_config} (virtio 1.x, little-endian): mac[6] at 0, status u16 at 6,
 * max_virtqueue_pairs u16 at 8, mtu u16 at 10.
 */
public record VirtioNetConfig(MacAddress mac, int status, int maxVirtqueuePairs, int mtu) {
    public static final int SIZE = 12;
    public static final int STATUS_LINK_UP = 1;

    public static VirtioNetConfig decode(byte[] bytes) {
        if (bytes.length < SIZE) throw new IllegalArgumentException("virtio_net_config needs " + SIZE + " bytes, got " + bytes.length);
        var b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] mac = new byte[6];
        b.get(0, mac);
        return new VirtioNetConfig(MacAddress.of(mac), Short.toUnsignedInt(b.getShort(6)), Short.toUnsignedInt(b.getShort(8)),
                Short.toUnsignedInt(b.getShort(10)));
    }

    public boolean linkUp() {
        return (status & STATUS_LINK_UP) != 0;
    }
}
