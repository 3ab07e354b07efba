package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;

/**
 * The generating modes. {@code txonly}: probes at the configured size and rate; what arrives is counted
 * and freed so rings never fill. {@code latency}: the same probes, and each one that comes back (through a
 * reflector: testpmd macswap/io, or a vhostpath worker in macswap) has its round trip recorded, with loss
 * and reordering counted as in rxonly. Its own probes are expected from sequence 0 on. Once the measured window
 * opens, the stream counts the probes it sends and those of them that return: their difference is the window's loss
 * (exact after the run's drain; before it, probes in flight count too). Probes must come back on the port that sent
 * them (a reflector), as their flow is the queue's.
 */
final class ProbeSender extends BurstEngine {
    private final Generator generator;
    private final Receiver receiver;
    private final MbufBurst out;
    private final int flow;
    private final ProbeWindow window;
    private boolean counting;
    private long windowSent;

    ProbeSender(EngineContext context, boolean measureReturns) {
        super(context);
        this.generator = context.generator();
        this.receiver = measureReturns ? new Receiver(counters, context.latency()) : null;
        this.out = new MbufBurst(context.burstSize());
        this.flow = stream.txQueue();
        this.window = context.window();
        if (receiver != null) receiver.expect(flow, generator.nextSequence());
    }

    @Override
    public int poll() {
        if (!counting && receiver != null && window.isOpen()) {
            counting = true;
            receiver.countWindow(flow, generator.nextSequence());
        }
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
        if (counting && work + n > 0) {
            windowSent += n;
            counters.windowSent.setRelease(windowSent);
            counters.windowLost.setRelease(windowSent - receiver.windowReceived());
        }
        return work + n;
    }

    @Override
    public void close() {
        out.close();
        generator.close();
        super.close();
    }
}
