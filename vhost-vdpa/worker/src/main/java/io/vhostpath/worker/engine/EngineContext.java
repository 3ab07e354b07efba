package io.vhostpath.worker.engine;

import org.HdrHistogram.SingleWriterRecorder;

/**
 * Everything an engine is built from, fixed before polling starts.
 *
 * @param poolAddress the mempool generators allocate from
 * @param template    headers and size of generated packets (generating modes only)
 * @param ratePps     generator pace per stream, 0 for as fast as possible
 * @param latency     round-trip recorder (latency mode only), written by this stream's thread alone
 * @param seedBursts  bursts of probes to send before forwarding starts (testpmd's tx_first)
 * @param window      when the measured window opens and when sending stops (generating modes)
 */
public record EngineContext(Stream stream, StreamCounters counters, int burstSize, int txRetries, long poolAddress,
                            PacketTemplate template, long ratePps, SingleWriterRecorder latency,
                            int seedBursts, ProbeWindow window) {

    public Engine create(Mode mode) {
        return switch (mode) {
            case IO -> new IoForward(this);
            case MACSWAP -> new MacSwap(this);
            case TXONLY -> new ProbeSender(this, false);
            case RXONLY -> new RxOnly(this);
            case LATENCY -> new ProbeSender(this, true);
        };
    }

    /** The polling side of pipeline mode, exchanging bursts with a {@link StageAgent} through {@code rings}. */
    public Engine pipeline(PipelineRings rings) {
        return new PipelineEngine(this, rings);
    }

    Generator generator() {
        return new Generator(template, stream.txQueue(), poolAddress, ratePps, burstSize, window);
    }

    /** A generator that does not pace itself, for seeding. */
    Generator unpacedGenerator() {
        return new Generator(template, stream.txQueue(), poolAddress, 0, burstSize, new ProbeWindow());
    }
}
