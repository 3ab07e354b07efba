package io.vhostpath.dpdk;

/**
 * {@code struct rte_eth_link}: 8 bytes, {@code link_speed} (u32, Mbps) then three one-bit fields in the
 * next u16: duplex (bit 0), autoneg (bit 1), status (bit 2).
 */
public record LinkStatus(boolean up, int speedMbps, boolean fullDuplex, boolean autoneg) {
    static final long SIZE = 8;
    static final long SPEED_OFFSET = 0;
    static final long FLAGS_OFFSET = 4;
    static final int DUPLEX_BIT = 1;
    static final int AUTONEG_BIT = 1 << 1;
    static final int STATUS_BIT = 1 << 2;

    /** {@code RTE_ETH_SPEED_NUM_UNKNOWN}: virtual devices such as virtio_user report no speed. */
    public static final int SPEED_UNKNOWN = -1;

    @Override
    public String toString() {
        if (!up) return "down";
        return "up " + (speedMbps == SPEED_UNKNOWN ? "(speed unknown)" : speedMbps + " Mbps") + " "
                + (fullDuplex ? "full-duplex" : "half-duplex");
    }
}
