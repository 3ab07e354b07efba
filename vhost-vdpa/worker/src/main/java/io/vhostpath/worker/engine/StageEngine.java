package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ControlledMessageHandler.Action;

/**
 * The application side of pipeline mode: applies a {@link PacketStage} to every packet and hands the survivors
 * back. When the ring back is full the survivors wait in hand and the stage reads no more until they are handed
 * over, so nothing is dropped between the threads. Runs in its own {@link PollingAgent}, so its thread is pinned and
 * registered like a polling thread.
 */
public final class StageEngine implements Engine {
    private static final int BURSTS_PER_WORK = 8;

    private final PipelineRings rings;
    private final StreamCounters counters;
    private final MbufBurst kept;
    private final MbufBurst rejected;
    private final ControlledMessageHandler handler;

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
            if (rejected.count() > 0) {
                counters.stageDropped.getAndAddRelease(rejected.count());
                rejected.free();
            }
            return handBack() ? Action.CONTINUE : Action.BREAK;
        };
    }

    @Override
    public int poll() {
        return handBack() ? rings.toStage.controlledRead(handler, BURSTS_PER_WORK) : 0;
    }

    /** Offers the survivors held back to the polling agent; false when its ring has no room for them yet. */
    private boolean handBack() {
        return kept.count() == 0 || PipelineRings.offer(rings.fromStage, kept);
    }

    @Override
    public void close() {
        kept.close();
        rejected.close();
    }
}
