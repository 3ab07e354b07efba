package io.vhostpath.netlink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Generic netlink: family resolution through {@code nlctrl}, single requests that end in an ack, and dumps that
 * end in {@code NLMSG_DONE}, over a {@link NetlinkConversation}.
 */
public final class GenericNetlink implements AutoCloseable {
    private final NetlinkConversation conversation;
    private final Map<String, Integer> families = new HashMap<>();

    public GenericNetlink(NetlinkTransport transport) {
        this.conversation = new NetlinkConversation(transport);
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
        int seq = conversation.nextSequence();
        var writer = MessageWriter.genl(family, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | extraFlags, seq, command, version);
        attributes.accept(writer);
        var replies = new ArrayList<Attributes>();
        for (NetlinkMessage m : conversation.exchange(operation, seq, writer.finish())) {
            if (m.payload().remaining() < Netlink.GENL_HDRLEN) {
                throw new NetlinkFormatException(operation + ": reply of " + m.payload().remaining() + " bytes has no genl header");
            }
            replies.add(Attributes.parse(m.payload().slice(Netlink.GENL_HDRLEN, m.payload().remaining() - Netlink.GENL_HDRLEN)));
        }
        return replies;
    }

    @Override
    public void close() {
        conversation.close();
    }
}
