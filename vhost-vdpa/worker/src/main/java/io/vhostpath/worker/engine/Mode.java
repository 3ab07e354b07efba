package io.vhostpath.worker.engine;

/** The forwarding modes, named as in testpmd. */
public enum Mode {
    /** Forward as received. */
    IO,
    /** Swap source and destination MAC, then forward (reflect). */
    MACSWAP,
    /** Generate probes with sequence numbers and timestamps; discard whatever arrives. */
    TXONLY,
    /** Count what arrives, detecting loss and reordering from probe sequence numbers. */
    RXONLY,
    /** Generate probes and measure their round trip when they come back. */
    LATENCY;

    public boolean generates() {
        return this == TXONLY || this == LATENCY;
    }

    /** Modes whose packets leave on the port they came from ("loop" topology) regardless of port count. */
    public boolean loopsBack() {
        return this == TXONLY || this == RXONLY || this == LATENCY;
    }
}
