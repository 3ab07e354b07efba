package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.MessageHandler;

/**
 * The polling side of pipeline mode: each received burst goes to the application stage as one ring message
 * of mbuf addresses, and bursts coming back from the stage are sent. When the stage's ring is full the burst
 * waits in hand and nothing more is received: the port's queue holds (or the device drops, counted as missed)
 * what the stage cannot take, rather than packets being received only to be freed.
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
        int n = burst.count() == 0 ? receive() : 0;
        if (burst.count() > 0) PipelineRings.offer(rings.toStage, burst);
        return n + rings.fromStage.read(sendReturned, RETURNS_PER_POLL);
    }

    @Override
    public void close() {
        out.close();
        super.close();
    }
}
