package io.vhostpath.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one netlink request: {@code nlmsghdr}, the protocol's fixed header (generic netlink's {@code genlmsghdr},
 * rtnetlink's {@code ifinfomsg}, ...), then attributes, each 4-byte aligned.
 */
public final class MessageWriter {
    /** The largest request built (and sent: {@link NetlinkSocket} keeps a send buffer of this size). */
    public static final int MAX_MESSAGE = 8192;

    private final ByteBuffer b = ByteBuffer.allocate(MAX_MESSAGE).order(ByteOrder.nativeOrder());

    /** A message of {@code type} whose fixed header is {@code fixedHeader} (already padded to 4 bytes). */
    public MessageWriter(int type, int flags, int sequence, byte[] fixedHeader) {
        b.putInt(0).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0).put(fixedHeader);
    }

    /** A generic netlink request: {@code type} is the family id, then {@code genlmsghdr} {cmd, version, 0}. */
    public static MessageWriter genl(int family, int flags, int sequence, int command, int version) {
        return new MessageWriter(family, flags, sequence, new byte[] {(byte) command, (byte) version, 0, 0});
    }

    private MessageWriter attribute(int type, byte[] value) {
        int length = Netlink.NLA_HDRLEN + value.length;
        b.putShort((short) length).putShort((short) type).put(value);
        for (int pad = Netlink.align(length) - length; pad > 0; pad--) b.put((byte) 0);
        return this;
    }

    public MessageWriter string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[s.length + 1];
        System.arraycopy(s, 0, z, 0, s.length);
        return attribute(type, z);
    }

    public MessageWriter u16(int type, int value) {
        return attribute(type, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    public MessageWriter u32(int type, long value) {
        return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((int) value).array());
    }

    public MessageWriter u64(int type, long value) {
        return attribute(type, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array());
    }

    public MessageWriter bytes(int type, byte[] value) {
        return attribute(type, value.clone());
    }

    /** The finished message, length filled in, ready to send. */
    public ByteBuffer finish() {
        var out = b.duplicate().flip().order(ByteOrder.nativeOrder());
        out.putInt(0, out.remaining());
        return out;
    }
}
