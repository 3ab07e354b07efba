package io.vhostpath.worker.engine;

/**
 * An application stage in pipeline mode: it sees each packet (by mbuf address, zero copy) between the
 * polling agent's RX and TX. Runs on its own thread; like an engine it must not allocate, log or throw.
 */
@FunctionalInterface
public interface PacketStage {
    /** @return true to send the packet on, false to drop it (the pipeline frees it) */
    boolean process(long mbuf);

    /** Forwards every packet untouched. */
    PacketStage FORWARD = mbuf -> true;

    /** Reflects every packet (MAC swap). */
    PacketStage MACSWAP = mbuf -> {
        MacSwap.swap(mbuf);
        return true;
    };
}
