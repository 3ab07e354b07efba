package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Mbuf;

/**
 * The probe vhostpath's generators put after the UDP header of each packet, read back by receivers.
 *
 * <pre>
 *   0                14               34        42      44      46              50                      58
 *   | Ethernet       | IPv4           | UDP     | magic | flow  | sequence      | transmit time (ns)    |
 *                                               | u16   | u16   | u32           | u64 (System.nanoTime) |
 * </pre>
 *
 * Native byte order: only vhostpath reads it. Fits the 60-byte minimum frame (64 with FCS).
 */
public final class Probe {
    public static final int OFFSET = 42;
    public static final int MAGIC_OFFSET = OFFSET;
    public static final int FLOW_OFFSET = OFFSET + 2;
    public static final int SEQUENCE_OFFSET = OFFSET + 4;
    public static final int TIMESTAMP_OFFSET = OFFSET + 8;
    public static final int END = OFFSET + 16;
    /** "VP" */
    public static final short MAGIC = 0x5650;
    /** Flows a receiver tracks; generators use their queue index as flow. */
    public static final int MAX_FLOWS = 64;

    private Probe() {}

    /** Writes flow, sequence and timestamp into a packet whose headers are already in place. */
    public static void write(long data, int flow, int sequence, long nanos) {
        Mbuf.putInt(data + MAGIC_OFFSET, (MAGIC & 0xFFFF) | (flow << 16));
        Mbuf.putInt(data + SEQUENCE_OFFSET, sequence);
        Mbuf.putLong(data + TIMESTAMP_OFFSET, nanos);
    }

    /** The flow of a probe, or -1 when the packet is too short or carries no probe. */
    public static int flowOf(long data, int length) {
        if (length < END) return -1;
        int word = Mbuf.getInt(data + MAGIC_OFFSET);
        if ((short) word != MAGIC) return -1;
        int flow = word >>> 16;
        return flow < MAX_FLOWS ? flow : -1;
    }

    public static int sequence(long data) {
        return Mbuf.getInt(data + SEQUENCE_OFFSET);
    }

    public static long timestamp(long data) {
        return Mbuf.getLong(data + TIMESTAMP_OFFSET);
    }
}
