package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.MessageHandler;

/**
 * The application side of pipeline mode: applies a {@link PacketStage} to every packet and hands the survivors
 * back. Runs in its own {@link PollingAgent}, so its thread is pinned and registered like a polling thread.
 */
public final class StageEngine implements Engine {
    private static final int BURSTS_PER_WORK = 8;

    private final PipelineRings rings;
    private final StreamCounters counters;
    private final MbufBurst kept;
    private final MbufBurst rejected;
    private final MessageHandler handler;

    public StageEngine(PipelineRings rings, PacketStage stage, StreamCounters counters, int burstSize) {
        this.rings = rings;
        this.counters = counters;
        this.kept = new MbufBurst(burstSize);
        this.rejected = new MbufBurst(burstSize);
        this.handler = (type, buffer, index, length) -> {
            for (int i = 0; i < length / 8; i++) {
                long mbuf = buffer.getLong(index + 8 * i);
                (stage.process(mbuf) ? kept : rejected).add(mbuf);
            }
            int dropped = rejected.count();
            rejected.free();
            if (kept.count() > 0 && !PipelineRings.offer(rings.fromStage, kept)) {
                dropped += kept.count();
                kept.free();
            }
            if (dropped > 0) counters.stageDropped.getAndAddRelease(dropped);
        };
    }

    @Override
    public int poll() {
        return rings.toStage.read(handler, BURSTS_PER_WORK);
    }

    @Override
    public void close() {
        kept.close();
        rejected.close();
    }
}
