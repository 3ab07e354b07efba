package io.vhostpath.dpdk;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Descriptor of {@code struct rte_mbuf} (DPDK 22.11, {@code rte_mbuf_core.h}) and allocation-free access
 * to packets by the mbuf's address, as found in a burst array.
 *
 * <pre>
 *   0  buf_addr (void *)        16 data_off (u16)   18 refcnt (u16)   20 nb_segs (u16)   22 port (u16)
 *   8  buf_iova                 24 ol_flags (u64)   32 packet_type    36 pkt_len (u32)
 *  40  data_len (u16)           42 vlan_tci ...     54 buf_len (u16)  56 pool (rte_mempool *)
 *  64  next (rte_mbuf *)  ...  128 end (two cache lines)
 * </pre>
 *
 * Offsets are checked against the installed headers by {@code LayoutTest}.
 */
public final class Mbuf {
    public static final long SIZE = 128;
    public static final long BUF_ADDR_OFFSET = 0;
    public static final long DATA_OFF_OFFSET = 16;
    public static final long REFCNT_OFFSET = 18;
    public static final long NB_SEGS_OFFSET = 20;
    public static final long PORT_OFFSET = 22;
    public static final long OL_FLAGS_OFFSET = 24;
    public static final long PKT_LEN_OFFSET = 36;
    public static final long DATA_LEN_OFFSET = 40;
    public static final long BUF_LEN_OFFSET = 54;
    public static final long POOL_OFFSET = 56;
    public static final long NEXT_OFFSET = 64;

    /** The whole address space: mbufs and packet data are read in place through absolute addresses. */
    static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Mbuf() {}

    /** Address of the first byte of packet data. */
    public static long dataAddress(long mbuf) {
        long buf = MEMORY.get(JAVA_LONG, mbuf + BUF_ADDR_OFFSET);
        return buf + Short.toUnsignedInt(MEMORY.get(JAVA_SHORT, mbuf + DATA_OFF_OFFSET));
    }

    public static int dataLength(long mbuf) {
        return Short.toUnsignedInt(MEMORY.get(JAVA_SHORT, mbuf + DATA_LEN_OFFSET));
    }

    public static int packetLength(long mbuf) {
        return MEMORY.get(JAVA_INT, mbuf + PKT_LEN_OFFSET);
    }

    public static int segments(long mbuf) {
        return Short.toUnsignedInt(MEMORY.get(JAVA_SHORT, mbuf + NB_SEGS_OFFSET));
    }

    public static int port(long mbuf) {
        return Short.toUnsignedInt(MEMORY.get(JAVA_SHORT, mbuf + PORT_OFFSET));
    }

    public static long pool(long mbuf) {
        return MEMORY.get(JAVA_LONG, mbuf + POOL_OFFSET);
    }

    /** Sets the length of a single-segment packet (data_len and pkt_len). */
    public static void setLength(long mbuf, int length) {
        MEMORY.set(JAVA_SHORT, mbuf + DATA_LEN_OFFSET, (short) length);
        MEMORY.set(JAVA_INT, mbuf + PKT_LEN_OFFSET, length);
    }

    // Packet bytes, at an absolute address (dataAddress + offset): big-endian where the wire is.

    public static byte getByte(long address) { return MEMORY.get(JAVA_BYTE, address); }
    public static void putByte(long address, byte value) { MEMORY.set(JAVA_BYTE, address, value); }
    public static short getShortBE(long address) { return Short.reverseBytes(MEMORY.get(JAVA_SHORT_UNALIGNED, address)); }
    public static void putShortBE(long address, short v) { MEMORY.set(JAVA_SHORT_UNALIGNED, address, Short.reverseBytes(v)); }
    public static int getInt(long address) { return MEMORY.get(JAVA_INT_UNALIGNED, address); }
    public static void putInt(long address, int value) { MEMORY.set(JAVA_INT_UNALIGNED, address, value); }
    public static long getLong(long address) { return MEMORY.get(JAVA_LONG_UNALIGNED, address); }
    public static void putLong(long address, long value) { MEMORY.set(JAVA_LONG_UNALIGNED, address, value); }

    /** Copies {@code length} bytes between packet buffers (or any native memory). */
    public static void copy(long from, long to, long length) {
        MemorySegment.copy(MEMORY, from, MEMORY, to, length);
    }

    /** Copies bytes from a Java array into packet memory (control path: building templates). */
    public static void write(byte[] bytes, long to) {
        MemorySegment.copy(bytes, 0, MEMORY, JAVA_BYTE, to, bytes.length);
    }

    public static byte[] read(long from, int length) {
        byte[] bytes = new byte[length];
        MemorySegment.copy(MEMORY, JAVA_BYTE, from, bytes, 0, length);
        return bytes;
    }
}
