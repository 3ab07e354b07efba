package io.vhostpath.dpdk;

import io.vhostpath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** A packet mbuf pool ({@code rte_pktmbuf_pool_create}). */
public final class MbufPool implements AutoCloseable {
    /** {@code RTE_MBUF_DEFAULT_BUF_SIZE}: 2048 bytes of data room plus the 128-byte headroom. */
    public static final int DEFAULT_DATA_ROOM = 2048 + 128;
    /** {@code SOCKET_ID_ANY}. */
    public static final int SOCKET_ANY = -1;

    private static final MethodHandle CREATE = Dpdk.function("rte_pktmbuf_pool_create",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT));
    private static final MethodHandle FREE = Dpdk.function("rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle AVAIL = Dpdk.function("rte_mempool_avail_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle IN_USE = Dpdk.function("rte_mempool_in_use_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private final String name;
    private final int size;
    private final MemorySegment pool;
    private boolean closed;

    private MbufPool(String name, int size, MemorySegment pool) {
        this.name = name;
        this.size = size;
        this.pool = pool;
    }

    /**
     * @param size      number of mbufs (optimal is 2^q - 1)
     * @param cacheSize per-lcore cache, at most 512; used only by threads that are EAL lcores
     * @param dataRoom  buffer bytes per mbuf, headroom included
     */
    public static MbufPool create(String name, int size, int cacheSize, int dataRoom, int socket) {
        if (size <= 0) throw new IllegalArgumentException("size=" + size + " must be > 0");
        if (cacheSize < 0 || cacheSize > 512) throw new IllegalArgumentException("cacheSize=" + cacheSize + " must be 0..512");
        if (dataRoom < 128 || dataRoom > 0xFFFF) throw new IllegalArgumentException("dataRoom=" + dataRoom + " must be 128..65535");
        try (var arena = Arena.ofConfined()) {
            var pool = (MemorySegment) CREATE.invokeExact(arena.allocateFrom(name), size, cacheSize, (short) 0,
                    (short) dataRoom, socket);
            if (pool.equals(MemorySegment.NULL)) {
                throw new DpdkException("rte_pktmbuf_pool_create", DpdkException.NONE, DpdkException.NONE, Dpdk.errno(),
                        "pool=" + name + " size=" + size + " dataRoom=" + dataRoom
                                + " (not enough memory? raise -m or reserve hugepages)");
            }
            return new MbufPool(name, size, pool);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public String name() { return name; }

    /** Number of mbufs the pool was created with. */
    public int size() { return size; }

    /** The {@code struct rte_mempool *} for queue setup and the fast path. */
    public MemorySegment segment() { return pool; }

    public long address() { return pool.address(); }

    /** Free mbufs, in the common pool and in every lcore cache. */
    public int available() {
        try {
            return (int) AVAIL.invokeExact(pool);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Mbufs out of the pool (in rings, bursts, or leaked). */
    public int inUse() {
        try {
            return (int) IN_USE.invokeExact(pool);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Frees the pool; every mbuf must have been returned (ports closed first). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            FREE.invokeExact(pool);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
