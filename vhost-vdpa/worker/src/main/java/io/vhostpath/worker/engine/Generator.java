package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Mbuf;
import io.vhostpath.dpdk.MbufBurst;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Fills bursts with probe packets: template headers, then flow, sequence number and transmit time. Paced by a
 * {@link Pacer} (none at rate 0: as fast as TX takes them); stops for good once its {@link ProbeWindow} stops sending.
 */
final class Generator implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final long template;
    private final int frameSize;
    private final int flow;
    private final long pool;
    private final Pacer pacer;
    private final ProbeWindow window;
    private int sequence;

    Generator(PacketTemplate packet, int flow, long poolAddress, long ratePps, int burst, ProbeWindow window) {
        byte[] headers = packet.headers();
        MemorySegment t = arena.allocate(headers.length);
        t.copyFrom(MemorySegment.ofArray(headers));
        this.template = t.address();
        this.frameSize = packet.frameSize();
        this.flow = flow;
        this.pool = poolAddress;
        this.pacer = ratePps > 0 ? new Pacer(ratePps, System.nanoTime(), burst) : null;
        this.window = window;
    }

    /**
     * Allocates and fills up to {@code burst.capacity()} packets into the empty {@code burst}.
     *
     * @return packets generated; 0 when pacing holds back or sending has stopped, -1 when the pool is empty
     */
    int fill(MbufBurst burst) {
        if (!window.sending()) return 0;
        int n = burst.capacity();
        long now = System.nanoTime();
        if (pacer != null) {
            n = pacer.take(now, n);
            if (n == 0) return 0;
        }
        if (!burst.alloc(pool, n)) return -1;
        for (int i = 0; i < n; i++) {
            long m = burst.mbuf(i);
            long data = Mbuf.dataAddress(m);
            Mbuf.copy(template, data, PacketTemplate.HEADER_BYTES);
            Probe.write(data, flow, sequence++, now);
            Mbuf.setLength(m, frameSize);
        }
        return n;
    }

    /** The sequence number of the next probe: probes generated so far, modulo 2^32. */
    int nextSequence() {
        return sequence;
    }

    @Override
    public void close() {
        arena.close();
    }
}
