package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;

/**
 * The generating modes. {@code txonly}: probes at the configured size and rate; what arrives is counted
 * and freed so rings never fill. {@code latency}: the same probes, and each one that comes back (through a
 * reflector: testpmd macswap/io, or a vhostpath worker in macswap) has its round trip recorded, with loss
 * and reordering counted as in rxonly.
 */
final class ProbeSender extends BurstEngine {
    private final Generator generator;
    private final Receiver receiver;
    private final MbufBurst out;

    ProbeSender(EngineContext context, boolean measureReturns) {
        super(context);
        this.generator = context.generator();
        this.receiver = measureReturns ? new Receiver(counters, context.latency()) : null;
        this.out = new MbufBurst(context.burstSize());
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
        return work + n;
    }

    @Override
    public void close() {
        out.close();
        generator.close();
        super.close();
    }
}
