package io.vhostpath.dpdk;

import io.vhostpath.sys.Libc;

import org.agrona.UnsafeApi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A preallocated array of {@code struct rte_mbuf *}, owned by one polling thread, and the fast path over it:
 * RX burst, TX burst, bulk alloc and bulk free, one downcall each, allocating nothing (and io forwarding's RX and TX in one).
 *
 * <p>Why a C shim rather than calling through {@code rte_eth_fp_ops}: both run at testpmd's speed here,
 * but burst I/O and mbuf allocation are {@code static inline} in DPDK's headers, and reproducing them in
 * Java means copying the inline logic (Rx/Tx callbacks, mempool cache refill) and struct layouts that DPDK
 * may change in any release. The shim is compiled against the installed headers, so it always does what C
 * code does; the Java side binds only stable exported symbols plus the shim's few wrappers.
 *
 * <p>Hot-path methods return counts and never throw; they must only be called by the owning thread.
 */
public final class MbufBurst implements AutoCloseable {
    private static final MethodHandle RX = Dpdk.criticalFunction("vp_rx_burst",
            FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG, JAVA_SHORT));
    private static final MethodHandle TX = Dpdk.criticalFunction("vp_tx_burst",
            FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG, JAVA_SHORT));
    private static final MethodHandle IO_FORWARD = Dpdk.criticalFunction("vp_io_forward",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG, JAVA_SHORT, JAVA_INT));
    private static final MethodHandle ALLOC = Dpdk.criticalFunction("vp_pktmbuf_alloc_bulk",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FREE = Dpdk.criticalFunction("vp_pktmbuf_free_bulk",
            FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT));

    /** DPDK's usual burst size. */
    public static final int DEFAULT_SIZE = 32;

    private final Arena arena;
    private final MemorySegment slots;
    private final long base;
    private final int capacity;
    private int count;

    public MbufBurst(int capacity) {
        if (capacity <= 0 || capacity > 0xFFFF) throw new IllegalArgumentException("capacity=" + capacity + " must be 1..65535");
        this.arena = Arena.ofShared();
        this.slots = arena.allocate(8L * capacity, 64);
        this.base = slots.address();
        this.capacity = capacity;
    }

    public int capacity() { return capacity; }

    /** Number of mbufs currently held (set by the last rx/alloc, changed by tx/free/add). */
    public int count() { return count; }

    /**
     * The address of the mbuf in slot {@code i}. Read per packet on the fast path: an index check (one compare) but
     * not the shared arena's liveness check a segment access adds; the burst is closed only after its thread stops.
     */
    public long mbuf(int i) {
        return UnsafeApi.getLong(base + 8L * Objects.checkIndex(i, capacity));
    }

    /** Puts an mbuf address into the next slot (for pipeline stages that assemble bursts). */
    public void add(long mbuf) {
        slots.setAtIndex(JAVA_LONG, count++, mbuf);
    }

    /** Receives up to capacity packets into an empty burst; returns how many. */
    public int rx(int port, int queue) {
        try {
            int n = Short.toUnsignedInt((short) RX.invokeExact((short) port, (short) queue, base, (short) capacity));
            count = n;
            return n;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sends the held packets; the unsent ones move to the front of the burst and stay held.
     *
     * @return how many were sent
     */
    public int tx(int port, int queue) {
        try {
            int n = count;
            if (n == 0) return 0;
            int sent = Short.toUnsignedInt((short) TX.invokeExact((short) port, (short) queue, base, (short) n));
            int left = n - sent;
            if (left > 0 && sent > 0) {
                MemorySegment.copy(slots, 8L * sent, slots, 0, 8L * left);
            }
            count = left;
            return sent;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sends the held packets, retrying at most {@code retries} times, then frees what is still unsent.
     *
     * @return how many were sent; {@code heldBefore - sent} were dropped
     */
    public int txOrDrop(int port, int queue, int retries) {
        int sent = tx(port, queue);
        for (int i = 0; i < retries && count > 0; i++) sent += tx(port, queue);
        free();
        return sent;
    }

    /**
     * Receives up to capacity packets on {@code (rxPort, rxQueue)} and sends them untouched on {@code (txPort, txQueue)},
     * retrying at most {@code retries} times and freeing what is still unsent: {@link #rx}, then {@link #txOrDrop}, in
     * one downcall instead of two. The burst is empty before and after.
     *
     * @return received {@code << 16 |} sent
     */
    public int ioForward(int rxPort, int rxQueue, int txPort, int txQueue, int retries) {
        try {
            return (int) IO_FORWARD.invokeExact((short) rxPort, (short) rxQueue, (short) txPort, (short) txQueue, base,
                    (short) capacity, retries);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Fills an empty burst with {@code n} fresh mbufs from {@code pool}; all or nothing. */
    public boolean alloc(MbufPool pool, int n) {
        return alloc(pool.address(), n);
    }

    public boolean alloc(long poolAddress, int n) {
        try {
            int rc = (int) ALLOC.invokeExact(poolAddress, base, n);
            if (rc != 0) return false;
            count = n;
            return true;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Returns every held mbuf to its pool. */
    public void free() {
        try {
            if (count > 0) FREE.invokeExact(base, count);
            count = 0;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Forgets the held mbufs without freeing them (their ownership moved elsewhere). */
    public void clear() {
        count = 0;
    }

    /** Frees what is still held, then the slot array. */
    @Override
    public void close() {
        free();
        arena.close();
    }
}
