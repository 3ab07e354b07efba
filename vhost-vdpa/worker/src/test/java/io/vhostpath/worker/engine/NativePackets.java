package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Mbuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Mbuf-shaped structs in native memory, laid out as {@code struct rte_mbuf} (offsets checked against the headers
 * by the bindings' LayoutTest), for testing per-packet code without an EAL. Never handed to DPDK.
 */
final class NativePackets implements AutoCloseable {
    private static final int HEADROOM = 128;
    private final Arena arena = Arena.ofConfined();

    /** A single-segment packet holding {@code bytes}; returns the struct's address. */
    long packet(byte[] bytes) {
        MemorySegment mbuf = arena.allocate(Mbuf.SIZE, 64);
        MemorySegment buf = arena.allocate(HEADROOM + 2048, 64);
        mbuf.set(JAVA_LONG, Mbuf.BUF_ADDR_OFFSET, buf.address());
        mbuf.set(JAVA_SHORT, Mbuf.DATA_OFF_OFFSET, (short) HEADROOM);
        mbuf.set(JAVA_SHORT, Mbuf.NB_SEGS_OFFSET, (short) 1);
        Mbuf.setLength(mbuf.address(), bytes.length);
        Mbuf.write(bytes, Mbuf.dataAddress(mbuf.address()));
        return mbuf.address();
    }

    @Override
    public void close() {
        arena.close();
    }
}
