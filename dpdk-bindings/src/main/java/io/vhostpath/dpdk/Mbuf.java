package io.vhostpath.dpdk;

import org.agrona.UnsafeApi;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

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
 *
 * <p>Fields and packet bytes are read and written at absolute addresses through Agrona's {@link UnsafeApi}: a
 * MemorySegment spanning the address space would only add a bounds check per access that can never fail, and on
 * the per-packet path those checks cost a measurable share of the rate (see the README's benchmark notes).
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

    /** The whole address space, for bulk copies between native memory and Java arrays. */
    static final MemorySegment MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Mbuf() {}

    /** Address of the first byte of packet data. */
    public static long dataAddress(long mbuf) {
        long buf = UnsafeApi.getLong(mbuf + BUF_ADDR_OFFSET);
        return buf + Short.toUnsignedInt(UnsafeApi.getShort(mbuf + DATA_OFF_OFFSET));
    }

    public static int dataLength(long mbuf) {
        return Short.toUnsignedInt(UnsafeApi.getShort(mbuf + DATA_LEN_OFFSET));
    }

    public static int packetLength(long mbuf) {
        return UnsafeApi.getInt(mbuf + PKT_LEN_OFFSET);
    }

    public static int segments(long mbuf) {
        return Short.toUnsignedInt(UnsafeApi.getShort(mbuf + NB_SEGS_OFFSET));
    }

    public static int port(long mbuf) {
        return Short.toUnsignedInt(UnsafeApi.getShort(mbuf + PORT_OFFSET));
    }

    public static long pool(long mbuf) {
        return UnsafeApi.getLong(mbuf + POOL_OFFSET);
    }

    /** Sets the length of a single-segment packet (data_len and pkt_len). */
    public static void setLength(long mbuf, int length) {
        UnsafeApi.putShort(mbuf + DATA_LEN_OFFSET, (short) length);
        UnsafeApi.putInt(mbuf + PKT_LEN_OFFSET, length);
    }

    // Packet bytes, at an absolute address (dataAddress + offset): big-endian where the wire is.

    public static byte getByte(long address) { return UnsafeApi.getByte(address); }
    public static void putByte(long address, byte value) { UnsafeApi.putByte(address, value); }
    public static short getShortBE(long address) { return Short.reverseBytes(UnsafeApi.getShort(address)); }
    public static void putShortBE(long address, short v) { UnsafeApi.putShort(address, Short.reverseBytes(v)); }
    public static int getInt(long address) { return UnsafeApi.getInt(address); }
    public static void putInt(long address, int value) { UnsafeApi.putInt(address, value); }
    public static long getLong(long address) { return UnsafeApi.getLong(address); }
    public static void putLong(long address, long value) { UnsafeApi.putLong(address, value); }

    /** Copies {@code length} bytes between packet buffers (or any native memory). */
    public static void copy(long from, long to, long length) {
        UnsafeApi.copyMemory(from, to, length);
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
