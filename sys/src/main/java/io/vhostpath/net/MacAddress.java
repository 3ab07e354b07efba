package io.vhostpath.net;

import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low bits of a long, most significant byte first on the wire. */
public record MacAddress(long bits) {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":");

    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) throw new IllegalArgumentException("bits=" + Long.toHexString(bits) + " exceed 48");
    }

    public static MacAddress parse(String text) {
        byte[] b;
        try {
            b = HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MAC address '" + text + "' is not six colon-separated hex bytes", e);
        }
        if (b.length != 6) throw new IllegalArgumentException("MAC address '" + text + "' is not six colon-separated hex bytes");
        return of(b);
    }

    public static MacAddress of(byte[] sixBytes) {
        long v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | (sixBytes[i] & 0xFF);
        return new MacAddress(v);
    }

    /** A random unicast, locally administered address (first byte x2, x6, xA or xE), as Linux's eth_random_addr. */
    public static MacAddress randomLocal(java.util.random.RandomGenerator random) {
        long v = random.nextLong() & 0xFFFF_FFFF_FFFFL;
        return new MacAddress((v & ~(1L << 40)) | (1L << 41));
    }

    /** Group bit set: a multicast (or broadcast) address, which no interface may take as its own. */
    public boolean isMulticast() {
        return (bits & (1L << 40)) != 0;
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) (bits >>> (8 * (5 - i)));
        return b;
    }

    @Override
    public String toString() {
        return HEX.formatHex(toBytes());
    }
}
