package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.MbufBurst;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * The two single-producer single-consumer rings between a polling agent and its application stage. A
 * message is one burst: {@code n} mbuf addresses, 8 bytes each; ownership of the mbufs travels with it.
 */
public final class PipelineRings {
    static final int BURST_MESSAGE = 1;

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
        var scratch = new MbufBurst(4096);
        int[] freed = new int[1];
        for (RingBuffer ring : new RingBuffer[] {toStage, fromStage}) {
            ring.read((type, buffer, index, length) -> {
                for (int i = 0; i < length / 8; i++) scratch.add(buffer.getLong(index + 8 * i));
                freed[0] += scratch.count();
                scratch.free();
            }, Integer.MAX_VALUE);
        }
        scratch.close();
        return freed[0];
    }
}
