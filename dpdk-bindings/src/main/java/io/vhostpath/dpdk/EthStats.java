package io.vhostpath.dpdk;

/**
 * Basic port counters ({@code struct rte_eth_stats}, the leading scalar fields).
 *
 * <pre>
 *  0 ipackets  8 opackets  16 ibytes  24 obytes  32 imissed  40 ierrors  48 oerrors  56 rx_nombuf
 *  64.. per-queue arrays (unused here)  704 end
 * </pre>
 */
public record EthStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long rxErrors,
                       long txErrors, long rxNoMbuf) {
    static final long SIZE = 704;
    static final long IPACKETS_OFFSET = 0;
    static final long OPACKETS_OFFSET = 8;
    static final long IBYTES_OFFSET = 16;
    static final long OBYTES_OFFSET = 24;
    static final long IMISSED_OFFSET = 32;
    static final long IERRORS_OFFSET = 40;
    static final long OERRORS_OFFSET = 48;
    static final long RX_NOMBUF_OFFSET = 56;

    public static final EthStats ZERO = new EthStats(0, 0, 0, 0, 0, 0, 0, 0);

    /** Counters accumulated since {@code earlier}. */
    public EthStats minus(EthStats earlier) {
        return new EthStats(rxPackets - earlier.rxPackets, txPackets - earlier.txPackets, rxBytes - earlier.rxBytes,
                txBytes - earlier.txBytes, rxMissed - earlier.rxMissed, rxErrors - earlier.rxErrors,
                txErrors - earlier.txErrors, rxNoMbuf - earlier.rxNoMbuf);
    }
}
