package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/**
 * The two single-producer single-consumer rings between a polling agent and its application stage. A
 * message is one burst: {@code n} mbuf addresses, 8 bytes each; ownership of the mbufs travels with it.
 */
public final class PipelineRings {
    static final int BURST_MESSAGE = 1;
    /** The largest burst a message carries (the worker's --burst bound). */
    static final int MAX_BURST = 512;

    final RingBuffer toStage;
    final RingBuffer fromStage;

    public PipelineRings(int capacityBytes) {
        this.toStage = ring(capacityBytes);
        this.fromStage = ring(capacityBytes);
    }

    private static RingBuffer ring(int capacity) {
        var buffer = ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH);
        return new OneToOneRingBuffer(new UnsafeBuffer(buffer));
    }

    /** Puts the held mbufs of {@code burst} into {@code ring} as one message; false when the ring is full. */
    static boolean offer(RingBuffer ring, MbufBurst burst) {
        int n = burst.count();
        int index = ring.tryClaim(BURST_MESSAGE, n * 8);
        if (index < 0) return false;
        var buffer = ring.buffer();
        for (int i = 0; i < n; i++) buffer.putLong(index + 8 * i, burst.mbuf(i));
        ring.commit(index);
        burst.clear();
        return true;
    }

    /** Frees every mbuf still in either ring (after both threads have stopped); returns how many. */
    public int drain() {
        try (var scratch = new MbufBurst(MAX_BURST)) {
            int freed = drainTo(mbuf -> {
                scratch.add(mbuf);
                if (scratch.count() == scratch.capacity()) scratch.free();
            });
            scratch.free();
            return freed;
        }
    }

    /**
     * Hands every mbuf address still in either ring to {@code sink}, oldest first (after both threads stopped).
     * One {@code read} stops at the physical end of the buffer, and returns 0 when all it met there was the
     * padding record of a wrapped message: so it reads until the ring is empty, not until a read returns 0.
     */
    int drainTo(LongConsumer sink) {
        int[] taken = new int[1];
        MessageHandler handler = (type, buffer, index, length) -> {
            for (int i = 0; i < length / 8; i++) sink.accept(buffer.getLong(index + 8 * i));
            taken[0] += length / 8;
        };
        // What came back from the stage was sent to it before anything still waiting for it.
        for (RingBuffer ring : new RingBuffer[] {fromStage, toStage}) {
            // At most: up to the end (or only its padding), then from the start.
            for (int reads = 0; ring.size() > 0; reads++) {
                if (reads == 3) throw new IllegalStateException("pipeline ring still holds " + ring.size() + " bytes after 3 reads");
                ring.read(handler, Integer.MAX_VALUE);
            }
        }
        return taken[0];
    }
}
