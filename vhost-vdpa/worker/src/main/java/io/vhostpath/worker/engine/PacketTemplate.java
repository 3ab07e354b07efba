package io.vhostpath.worker.engine;

import io.vhostpath.net.MacAddress;

import java.nio.ByteBuffer;

/**
 * The Ethernet/IPv4/UDP headers of generated packets (RFC 2544's benchmark range 198.18.0.0/15, UDP port 9,
 * "discard"), built once per size on the control path.
 */
public record PacketTemplate(MacAddress source, MacAddress destination, int frameSize) {
    public static final int MIN_FRAME = Probe.END;
    public static final int MAX_FRAME = 9000;
    public static final int HEADER_BYTES = Probe.OFFSET;

    public PacketTemplate {
        if (frameSize < MIN_FRAME || frameSize > MAX_FRAME) {
            throw new IllegalArgumentException("frame size " + frameSize + " must be " + MIN_FRAME + ".." + MAX_FRAME
                    + " bytes (without FCS)");
        }
    }

    /** The 42 header bytes. */
    public byte[] headers() {
        var b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(destination.toBytes()).put(source.toBytes()).putShort((short) 0x0800);
        int ipLength = frameSize - 14;
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {(byte) 198, 18, 0, 1}).put(new byte[] {(byte) 198, 18, 0, 2});
        b.putShort(ipStart + 10, ipv4Checksum(b.array(), ipStart));
        b.putShort((short) 9).putShort((short) 9).putShort((short) (ipLength - 20)).putShort((short) 0);
        return b.array();
    }

    static short ipv4Checksum(byte[] bytes, int start) {
        int sum = 0;
        for (int i = start; i < start + 20; i += 2) sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (short) ~sum;
    }
}
