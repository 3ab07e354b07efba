package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Mbuf;

/** testpmd's "macswap": swap the Ethernet source and destination, then forward (a reflector). */
final class MacSwap extends BurstEngine {
    MacSwap(EngineContext context) {
        super(context);
    }

    @Override
    public int poll() {
        int n = receive();
        if (n == 0) return 0;
        for (int i = 0; i < n; i++) swap(burst.mbuf(i));
        transmit(burst);
        return n;
    }

    /**
     * Swaps the 6-byte destination (bytes 0-5) and source (6-11) with one 8-byte and one 4-byte access each
     * way. In a little-endian long, byte k is bits 8k..8k+7.
     */
    static void swap(long mbuf) {
        long data = Mbuf.dataAddress(mbuf);
        long w0 = Mbuf.getLong(data);
        long w1 = Mbuf.getInt(data + 8) & 0xFFFF_FFFFL;
        long dst = w0 & 0xFFFF_FFFF_FFFFL;
        long src = (w0 >>> 48) | (w1 << 16);
        Mbuf.putLong(data, src | (dst << 48));
        Mbuf.putInt(data + 8, (int) (dst >>> 16));
    }
}
