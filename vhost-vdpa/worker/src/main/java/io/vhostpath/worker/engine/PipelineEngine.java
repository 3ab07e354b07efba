package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.MessageHandler;

/**
 * The polling side of pipeline mode: each received burst goes to the application stage as one ring message
 * of mbuf addresses, and bursts coming back from the stage are sent. A full ring drops the burst (counted).
 */
final class PipelineEngine extends BurstEngine {
    /** Returned bursts sent per poll, so receiving keeps its share of the loop. */
    private static final int RETURNS_PER_POLL = 4;

    private final PipelineRings rings;
    private final MbufBurst out;
    private final MessageHandler sendReturned;

    PipelineEngine(EngineContext context, PipelineRings rings) {
        super(context);
        this.rings = rings;
        this.out = new MbufBurst(context.burstSize());
        this.sendReturned = (type, buffer, index, length) -> {
            for (int i = 0; i < length / 8; i++) out.add(buffer.getLong(index + 8 * i));
            transmit(out);
        };
    }

    @Override
    public int poll() {
        int n = receive();
        if (n > 0 && !PipelineRings.offer(rings.toStage, burst)) {
            counters.dropped.getAndAddRelease(n);
            burst.free();
        }
        return n + rings.fromStage.read(sendReturned, RETURNS_PER_POLL);
    }

    @Override
    public void close() {
        out.close();
        super.close();
    }
}
