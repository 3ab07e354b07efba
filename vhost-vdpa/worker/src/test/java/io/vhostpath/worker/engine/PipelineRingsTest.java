package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.MessageHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rings between a polling thread and its application stage, carrying numbers in place of mbuf addresses
 * (nothing here is handed to DPDK): each address arrives once, in order, and none is lost at a stop.
 */
class PipelineRingsTest {
    private static final int BURST = 32;

    /** The next expected number, checked as numbers arrive. */
    private static final class InOrder {
        long next;

        void accept(long value) {
            if (value != next) throw new AssertionError("expected " + next + ", got " + value);
            next++;
        }

        /** Reads each burst message's addresses in turn. */
        MessageHandler messages() {
            return (type, buffer, index, length) -> {
                for (int i = 0; i < length / 8; i++) accept(buffer.getLong(index + 8 * i));
            };
        }
    }

    private static boolean offerNext(PipelineRings rings, MbufBurst burst, long first) {
        for (int i = 0; i < BURST; i++) burst.add(first + i);
        if (PipelineRings.offer(rings.toStage, burst)) return true;
        burst.clear();
        return false;
    }

    @Test
    void drain_returns_what_wrapped_around_the_end_of_the_buffer() {
        var rings = new PipelineRings(4096);
        var seen = new InOrder();
        long offered = 0;
        try (var burst = new MbufBurst(BURST)) {
            while (offerNext(rings, burst, offered)) offered += BURST;
            // Take half, then fill again: the newest messages now sit at the start of the buffer.
            rings.toStage.read(seen.messages(), (int) (offered / BURST / 2));
            while (offerNext(rings, burst, offered)) offered += BURST;
        }
        long taken = seen.next;
        int drained = rings.drainTo(seen::accept);
        assertEquals(offered - taken, drained);
        assertEquals(offered, seen.next);
        assertEquals(0, rings.drainTo(v -> { }), "drained rings are empty");
    }

    @Test
    void drain_goes_past_a_padding_record_at_the_end_of_the_buffer() {
        var rings = new PipelineRings(4096);
        var seen = new InOrder();
        long offered = 0;
        try (var burst = new MbufBurst(BURST)) {
            while (offerNext(rings, burst, offered)) offered += BURST;
            // Take everything: the head now sits where the next message does not fit before the end.
            rings.toStage.read(seen.messages(), Integer.MAX_VALUE);
            assertTrue(offerNext(rings, burst, offered), "room again after the read");
            offered += BURST;
        }
        // The ring holds a padding record up to the end, then the message at the start.
        assertEquals(BURST, rings.drainTo(seen::accept));
        assertEquals(offered, seen.next);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void millions_of_bursts_through_the_stage_arrive_once_in_order_and_none_is_lost_at_a_random_stop() throws Exception {
        for (int round = 0; round < 4; round++) {
            var rings = new PipelineRings(1 << 16);
            var stop = new AtomicBoolean();
            var stageFailure = new Throwable[1];
            // The stage: takes bursts from toStage and hands them back, as StageEngine does with a FORWARD stage.
            var stage = Thread.ofPlatform().name("stage").start(() -> {
                try (var kept = new MbufBurst(PipelineRings.MAX_BURST)) {
                    MessageHandler forward = (type, buffer, index, length) -> {
                        for (int i = 0; i < length / 8; i++) kept.add(buffer.getLong(index + 8 * i));
                        while (!PipelineRings.offer(rings.fromStage, kept)) Thread.onSpinWait();
                    };
                    while (!stop.get()) rings.toStage.read(forward, 8);
                } catch (Throwable t) {
                    stageFailure[0] = t;
                }
            });
            // The poller: offers numbered bursts and reads back what the stage returned, checking the order.
            var returned = new InOrder();
            MessageHandler check = returned.messages();
            long offered = 0;
            long stopAt = ThreadLocalRandom.current().nextLong(300_000, 1_000_000) * BURST;
            try (var burst = new MbufBurst(BURST)) {
                while (offered < stopAt) {
                    if (offerNext(rings, burst, offered)) offered += BURST;
                    rings.fromStage.read(check, 4);
                }
            }
            // A stop while bursts are in flight in both directions.
            stop.set(true);
            // The stage finishes the burst in hand, which may wait for room in fromStage.
            while (stage.isAlive()) rings.fromStage.read(check, 4);
            stage.join();
            assertEquals(null, stageFailure[0]);
            long beforeDrain = returned.next;
            rings.drainTo(returned::accept);
            assertEquals(offered, returned.next, "every offered address came back exactly once");
            assertTrue(beforeDrain > 0, "the stage returned bursts while running");
        }
    }
}
