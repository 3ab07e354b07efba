package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Mbuf;
import io.vhostpath.dpdk.MbufBurst;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Fills bursts with probe packets: template headers, then flow, sequence number and transmit time. Paces
 * itself to {@code ratePps} with a token bucket on {@link System#nanoTime()} (0: as fast as TX takes them).
 */
final class Generator implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final long template;
    private final int frameSize;
    private final int flow;
    private final long pool;
    private final long ratePps;
    private final long startNanos;
    private long generated;
    private int sequence;

    Generator(PacketTemplate packet, int flow, long poolAddress, long ratePps) {
        byte[] headers = packet.headers();
        MemorySegment t = arena.allocate(headers.length);
        t.copyFrom(MemorySegment.ofArray(headers));
        this.template = t.address();
        this.frameSize = packet.frameSize();
        this.flow = flow;
        this.pool = poolAddress;
        this.ratePps = ratePps;
        this.startNanos = System.nanoTime();
    }

    /**
     * Allocates and fills up to {@code burst.capacity()} packets into the empty {@code burst}.
     *
     * @return packets generated; 0 when pacing holds back, -1 when the pool is empty
     */
    int fill(MbufBurst burst) {
        int n = burst.capacity();
        long now = System.nanoTime();
        if (ratePps > 0) {
            long due = dueBy(now - startNanos, ratePps) - generated;
            if (due <= 0) return 0;
            if (due < n) n = (int) due;
        }
        if (!burst.alloc(pool, n)) return -1;
        for (int i = 0; i < n; i++) {
            long m = burst.mbuf(i);
            long data = Mbuf.dataAddress(m);
            Mbuf.copy(template, data, PacketTemplate.HEADER_BYTES);
            Probe.write(data, flow, sequence++, now);
            Mbuf.setLength(m, frameSize);
        }
        generated += n;
        return n;
    }

    /**
     * Packets due {@code elapsedNanos} into a run at {@code ratePps}. Whole seconds and the rest apart: the
     * plain product overflows a long after 15 minutes at 10 Mpps.
     */
    static long dueBy(long elapsedNanos, long ratePps) {
        long seconds = elapsedNanos / 1_000_000_000L;
        long rest = elapsedNanos % 1_000_000_000L;
        return seconds * ratePps + rest * ratePps / 1_000_000_000L;
    }

    @Override
    public void close() {
        arena.close();
    }
}
