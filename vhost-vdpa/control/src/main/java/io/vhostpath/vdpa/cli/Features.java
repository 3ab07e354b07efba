package io.vhostpath.vdpa.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Virtio(-net) feature bits by the names iproute2 prints ({@code linux/virtio_net.h}, {@code virtio_config.h}). */
final class Features {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "CSUM"), Map.entry(1, "GUEST_CSUM"), Map.entry(2, "CTRL_GUEST_OFFLOADS"), Map.entry(3, "MTU"),
            Map.entry(5, "MAC"), Map.entry(7, "GUEST_TSO4"), Map.entry(8, "GUEST_TSO6"), Map.entry(9, "GUEST_ECN"),
            Map.entry(10, "GUEST_UFO"), Map.entry(11, "HOST_TSO4"), Map.entry(12, "HOST_TSO6"), Map.entry(13, "HOST_ECN"),
            Map.entry(14, "HOST_UFO"), Map.entry(15, "MRG_RXBUF"), Map.entry(16, "STATUS"), Map.entry(17, "CTRL_VQ"),
            Map.entry(18, "CTRL_RX"), Map.entry(19, "CTRL_VLAN"), Map.entry(20, "CTRL_RX_EXTRA"),
            Map.entry(21, "GUEST_ANNOUNCE"), Map.entry(22, "MQ"), Map.entry(23, "CTRL_MAC_ADDR"),
            Map.entry(24, "NOTIFY_ON_EMPTY"), Map.entry(27, "ANY_LAYOUT"), Map.entry(28, "RING_INDIRECT_DESC"),
            Map.entry(29, "RING_EVENT_IDX"), Map.entry(32, "VERSION_1"), Map.entry(33, "ACCESS_PLATFORM"),
            Map.entry(34, "RING_PACKED"), Map.entry(35, "IN_ORDER"), Map.entry(36, "ORDER_PLATFORM"),
            Map.entry(37, "SR_IOV"), Map.entry(38, "NOTIFICATION_DATA"), Map.entry(57, "HASH_REPORT"),
            Map.entry(60, "RSS"), Map.entry(61, "RSC_EXT"), Map.entry(62, "STANDBY"), Map.entry(63, "SPEED_DUPLEX"));

    private Features() {}

    /** The names of the set bits, lowest first; unnamed bits as {@code bit_N}. */
    static List<String> names(long bits) {
        var out = new ArrayList<String>();
        for (int i = 0; i < 64; i++) {
            if ((bits & (1L << i)) != 0) out.add(NAMES.getOrDefault(i, "bit_" + i));
        }
        return out;
    }
}
