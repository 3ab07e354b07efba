package io.vhostpath.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Request/response over generic netlink: family resolution through {@code nlctrl}, single requests that
 * end in an ack, and dumps that end in {@code NLMSG_DONE}. Kernel errors become {@link NetlinkException}
 * with errno and the extended-ack text; malformed replies become {@link NetlinkFormatException}.
 */
public final class GenericNetlink implements AutoCloseable {
    private final NetlinkTransport transport;
    private final Map<String, Integer> families = new HashMap<>();
    private int sequence;

    public GenericNetlink(NetlinkTransport transport) {
        this.transport = transport;
    }

    /** The numeric id the kernel gave family {@code name}; ENOENT when the module is not loaded. */
    public int familyId(String name) {
        Integer cached = families.get(name);
        if (cached != null) return cached;
        List<Attributes> replies;
        try {
            replies = exchange("resolve genl family " + name, Netlink.GENL_ID_CTRL, 0, Netlink.CTRL_CMD_GETFAMILY, 1,
                    w -> w.string(Netlink.CTRL_ATTR_FAMILY_NAME, name));
        } catch (NetlinkException e) {
            if (e.errno() != 2) throw e;
            throw new NetlinkException("resolve genl family " + name + " (not registered: is its kernel module loaded? "
                    + "modprobe " + name + ")", e.errno(), e.kernelMessage());
        }
        if (replies.isEmpty()) throw new NetlinkFormatException("no reply to GETFAMILY " + name);
        int id = replies.getFirst().u16(Netlink.CTRL_ATTR_FAMILY_ID)
                .orElseThrow(() -> new NetlinkFormatException("GETFAMILY " + name + " reply has no family id"));
        families.put(name, id);
        return id;
    }

    /** A request answered by zero or one message, then an ack. */
    public List<Attributes> request(String operation, int family, int command, int version, Consumer<MessageWriter> attributes) {
        return exchange(operation, family, 0, command, version, attributes);
    }

    /** A dump: every message up to NLMSG_DONE. */
    public List<Attributes> dump(String operation, int family, int command, int version, Consumer<MessageWriter> attributes) {
        return exchange(operation, family, Netlink.NLM_F_DUMP, command, version, attributes);
    }

    private List<Attributes> exchange(String operation, int family, int extraFlags, int command, int version,
                                      Consumer<MessageWriter> attributes) {
        int seq = ++sequence;
        var writer = MessageWriter.genl(family, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | extraFlags, seq, command, version);
        attributes.accept(writer);
        transport.send(writer.finish());
        var replies = new ArrayList<Attributes>();
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
                    default -> {
                        if (m.payload().remaining() < Netlink.GENL_HDRLEN) {
                            throw new NetlinkFormatException(operation + ": reply of " + m.payload().remaining()
                                    + " bytes has no genl header");
                        }
                        replies.add(Attributes.parse(m.payload().slice(Netlink.GENL_HDRLEN,
                                m.payload().remaining() - Netlink.GENL_HDRLEN)));
                    }
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
