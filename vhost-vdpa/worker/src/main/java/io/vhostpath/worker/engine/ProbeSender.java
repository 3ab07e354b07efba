package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;

/**
 * The generating modes. {@code txonly}: probes at the configured size and rate; what arrives is counted
 * and freed so rings never fill. {@code latency}: the same probes, and each one that comes back (through a
 * reflector: testpmd macswap/io, or a vhostpath worker in macswap) has its round trip recorded, with loss
 * and reordering counted as in rxonly. Its own probes are expected from sequence 0 on, and those sent after the
 * latest one returned are published as in flight: after a drain, the tail that never came back.
 */
final class ProbeSender extends BurstEngine {
    private final Generator generator;
    private final Receiver receiver;
    private final MbufBurst out;
    private final int flow;

    ProbeSender(EngineContext context, boolean measureReturns) {
        super(context);
        this.generator = context.generator();
        this.receiver = measureReturns ? new Receiver(counters, context.latency()) : null;
        this.out = new MbufBurst(context.burstSize());
        this.flow = stream.txQueue();
        if (receiver != null) receiver.expect(flow, generator.nextSequence());
    }

    @Override
    public int poll() {
        int work = receive();
        if (work > 0) {
            if (receiver != null) receiver.inspect(burst);
            burst.free();
        }
        int n = generator.fill(out);
        if (n < 0) {
            counters.allocFailures.incrementRelease();
            return work;
        }
        if (n > 0) transmit(out);
        if (receiver != null && work + n > 0) counters.inFlight.setRelease(generator.nextSequence() - receiver.expected(flow));
        return work + n;
    }

    @Override
    public void close() {
        out.close();
        generator.close();
        super.close();
    }
}
