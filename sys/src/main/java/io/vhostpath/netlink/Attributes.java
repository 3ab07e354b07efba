package io.vhostpath.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The netlink attributes ({@code struct nlattr} TLVs) of a message, by type. A type that repeats keeps every
 * value in order ({@link #all}). Getters check the value's size against the type the caller expects.
 */
public final class Attributes {
    private final Map<Integer, List<ByteBuffer>> byType = new HashMap<>();

    private Attributes() {}

    /**
     * Parses the attributes in {@code b} from its position to its limit.
     *
     * @throws NetlinkFormatException when a length runs past the end or below the header size
     */
    public static Attributes parse(ByteBuffer b) {
        var buf = b.duplicate().order(ByteOrder.nativeOrder());
        var attrs = new Attributes();
        while (buf.remaining() >= Netlink.NLA_HDRLEN) {
            int start = buf.position();
            int length = Short.toUnsignedInt(buf.getShort(start));
            int type = Short.toUnsignedInt(buf.getShort(start + 2)) & Netlink.NLA_TYPE_MASK;
            if (length < Netlink.NLA_HDRLEN || length > buf.remaining()) {
                throw new NetlinkFormatException("attribute type " + type + " at offset " + start + " claims length "
                        + length + ", " + buf.remaining() + " bytes left");
            }
            var value = buf.slice(start + Netlink.NLA_HDRLEN, length - Netlink.NLA_HDRLEN).order(ByteOrder.nativeOrder());
            attrs.byType.computeIfAbsent(type, t -> new ArrayList<>()).add(value);
            buf.position(Math.min(buf.limit(), start + Netlink.align(length)));
        }
        if (buf.remaining() != 0) {
            throw new NetlinkFormatException(buf.remaining() + " stray bytes after the last attribute");
        }
        return attrs;
    }

    /** The attributes nested inside attribute {@code type} (e.g. {@code IFLA_LINKINFO}). */
    public Optional<Attributes> nested(int type) {
        var values = byType.get(type);
        return values == null ? Optional.empty() : Optional.of(parse(values.getFirst()));
    }

    public boolean has(int type) {
        return byType.containsKey(type);
    }

    public List<ByteBuffer> all(int type) {
        return byType.getOrDefault(type, List.of()).stream().map(ByteBuffer::duplicate).toList();
    }

    private Optional<ByteBuffer> value(int type, int size, String kind) {
        var values = byType.get(type);
        if (values == null) return Optional.empty();
        var v = values.getFirst();
        if (size >= 0 && v.remaining() < size) {
            throw new NetlinkFormatException("attribute " + type + " is " + v.remaining() + " bytes, a " + kind + " needs " + size);
        }
        return Optional.of(v.duplicate().order(ByteOrder.nativeOrder()));
    }

    public Optional<Integer> u8(int type) {
        return value(type, 1, "u8").map(v -> Byte.toUnsignedInt(v.get(0)));
    }

    public Optional<Integer> u16(int type) {
        return value(type, 2, "u16").map(v -> Short.toUnsignedInt(v.getShort(0)));
    }

    public Optional<Long> u32(int type) {
        return value(type, 4, "u32").map(v -> Integer.toUnsignedLong(v.getInt(0)));
    }

    public Optional<Long> u64(int type) {
        return value(type, 8, "u64").map(v -> v.getLong(0));
    }

    /** A NUL-terminated string (the NUL and anything after it dropped). */
    public Optional<String> string(int type) {
        return value(type, 0, "string").map(Attributes::stringOf);
    }

    /** Every value of a repeated string attribute, in order. */
    public List<String> strings(int type) {
        return all(type).stream().map(Attributes::stringOf).toList();
    }

    /** Every value of a repeated u64 attribute, in order. */
    public List<Long> u64s(int type) {
        return all(type).stream().map(v -> {
            if (v.remaining() < 8) throw new NetlinkFormatException("attribute " + type + " is " + v.remaining() + " bytes, a u64 needs 8");
            return v.order(ByteOrder.nativeOrder()).getLong(0);
        }).toList();
    }

    private static String stringOf(ByteBuffer v) {
        byte[] bytes = new byte[v.remaining()];
        v.duplicate().get(bytes);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    public Optional<byte[]> bytes(int type) {
        return value(type, 0, "binary").map(v -> {
            byte[] bytes = new byte[v.remaining()];
            v.get(bytes);
            return bytes;
        });
    }
}
