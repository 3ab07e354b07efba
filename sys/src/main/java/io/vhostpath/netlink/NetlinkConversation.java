package io.vhostpath.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Request and replies on one netlink socket, for any protocol: a request carries {@code NLM_F_ACK}, and its
 * replies are every message with its sequence number up to the ack or {@code NLMSG_DONE}. Kernel errors become
 * {@link NetlinkException} with errno and the extended-ack text; malformed replies {@link NetlinkFormatException}.
 * Not thread-safe: one per caller, like its socket.
 */
public final class NetlinkConversation implements AutoCloseable {
    private final NetlinkTransport transport;
    private int sequence;

    public NetlinkConversation(NetlinkTransport transport) {
        this.transport = transport;
    }

    /** The sequence number for the next request's header. */
    public int nextSequence() {
        return ++sequence;
    }

    /**
     * Sends {@code request} (whose header carries {@code seq}) and collects the replies.
     *
     * @param operation what the request does, for error messages (e.g. {@code ip link set dev eth0 mtu 9000})
     */
    public List<NetlinkMessage> exchange(String operation, int seq, ByteBuffer request) {
        transport.send(request);
        var replies = new ArrayList<NetlinkMessage>();
        while (true) {
            for (NetlinkMessage m : NetlinkMessage.parseAll(transport.receive())) {
                if (m.sequence() != seq) continue;
                switch (m.type()) {
                    case Netlink.NLMSG_ERROR -> {
                        int error = errorCode(m);
                        if (error != 0) throw new NetlinkException(operation, -error, extackMessage(m));
                        return replies;
                    }
                    case Netlink.NLMSG_DONE -> {
                        int error = m.payload().remaining() >= 4 ? m.payload().getInt(0) : 0;
                        if (error < 0) throw new NetlinkException(operation, -error, null);
                        return replies;
                    }
                    case Netlink.NLMSG_NOOP -> { }
                    default -> replies.add(m);
                }
            }
        }
    }

    private static int errorCode(NetlinkMessage m) {
        if (m.payload().remaining() < 4) throw new NetlinkFormatException("NLMSG_ERROR without an error code");
        return m.payload().getInt(0);
    }

    /** The extended-ack message after the error code and the (capped) echoed header. */
    private static String extackMessage(NetlinkMessage m) {
        if ((m.flags() & Netlink.NLM_F_ACK_TLVS) == 0) return null;
        ByteBuffer p = m.payload().duplicate().order(ByteOrder.nativeOrder());
        int echoed = (m.flags() & Netlink.NLM_F_CAPPED) != 0 ? Netlink.NLMSG_HDRLEN
                : (p.remaining() >= 8 ? p.getInt(4) : Netlink.NLMSG_HDRLEN);
        int tlvStart = 4 + Netlink.align(echoed);
        if (tlvStart > p.remaining()) throw new NetlinkFormatException("extended ack runs past the error message");
        return Attributes.parse(p.slice(tlvStart, p.remaining() - tlvStart)).string(Netlink.NLMSGERR_ATTR_MSG).orElse(null);
    }

    @Override
    public void close() {
        transport.close();
    }
}
