package io.vhostpath.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of a netlink datagram: the {@code nlmsghdr} fields and the payload after the header (a slice,
 * native byte order).
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, ByteBuffer payload) {

    /**
     * Splits a datagram into its messages, checking every length against what is there.
     *
     * @throws NetlinkFormatException for truncated, overlong or misaligned messages
     */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        var b = datagram.duplicate().order(ByteOrder.nativeOrder());
        var out = new ArrayList<NetlinkMessage>();
        while (b.remaining() > 0) {
            int start = b.position();
            if (b.remaining() < Netlink.NLMSG_HDRLEN) {
                throw new NetlinkFormatException("truncated header at offset " + start + ": " + b.remaining() + " bytes left");
            }
            int length = b.getInt(start);
            if (length < Netlink.NLMSG_HDRLEN || length > b.remaining()) {
                throw new NetlinkFormatException("message at offset " + start + " claims length " + length + ", "
                        + b.remaining() + " bytes left");
            }
            int type = Short.toUnsignedInt(b.getShort(start + 4));
            int flags = Short.toUnsignedInt(b.getShort(start + 6));
            int seq = b.getInt(start + 8);
            int pid = b.getInt(start + 12);
            var payload = b.slice(start + Netlink.NLMSG_HDRLEN, length - Netlink.NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            b.position(Math.min(b.limit(), start + Netlink.align(length)));
        }
        return out;
    }
}
