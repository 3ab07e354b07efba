package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;

/** What every engine shares: its stream, its counters, a preallocated burst, and bounded TX retries. */
abstract class BurstEngine implements Engine {
    protected final Stream stream;
    protected final StreamCounters counters;
    protected final MbufBurst burst;
    protected final int txRetries;
    private final EngineContext context;

    BurstEngine(EngineContext context) {
        this.context = context;
        this.stream = context.stream();
        this.counters = context.counters();
        this.burst = new MbufBurst(context.burstSize());
        this.txRetries = context.txRetries();
    }

    /**
     * Sends {@code seedBursts} bursts of probes first, like testpmd's tx_first, so that two forwarders
     * facing each other have packets to pass around.
     */
    @Override
    public void start() {
        if (context.seedBursts() == 0) return;
        try (var generator = context.unpacedGenerator(); var seed = new MbufBurst(burst.capacity())) {
            for (int i = 0; i < context.seedBursts(); i++) {
                if (generator.fill(seed) > 0) transmit(seed);
            }
        }
    }

    /** Receives into the (empty) burst and counts; returns how many arrived. */
    protected final int receive() {
        int n = burst.rx(stream.rxPort(), stream.rxQueue());
        if (n > 0) counters.rxPackets.getAndAddRelease(n);
        return n;
    }

    /** Sends {@code from} on the stream's TX queue, retrying, then frees and counts what did not fit. */
    protected final void transmit(MbufBurst from) {
        int held = from.count();
        countSent(held, from.txOrDrop(stream.txPort(), stream.txQueue(), txRetries));
    }

    /** Counts a send of {@code held} packets of which {@code sent} went out; the rest were freed. */
    protected final void countSent(int held, int sent) {
        counters.txPackets.getAndAddRelease(sent);
        if (sent < held) counters.dropped.getAndAddRelease(held - sent);
    }

    @Override
    public void close() {
        burst.close();
    }
}
