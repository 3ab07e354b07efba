package io.vhostpath.net;

import io.vhostpath.netlink.MessageWriter;
import io.vhostpath.netlink.Netlink;
import io.vhostpath.netlink.NetlinkConversation;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.netlink.NetlinkFormatException;
import io.vhostpath.netlink.NetlinkMessage;
import io.vhostpath.netlink.NetlinkSocket;
import io.vhostpath.netlink.NetlinkTransport;
import io.vhostpath.netlink.Rtnetlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Network interfaces over rtnetlink, in the network namespace the socket was opened in (open it inside
 * {@link NetworkNamespace#call} to work in another): get, list, up/down, MAC, MTU, rename, move to a namespace.
 * Failures are {@link NetlinkException} with the operation as {@code ip} would spell it, errno, and the kernel's
 * extended-ack text. Not thread-safe: one per caller.
 */
public final class Links implements AutoCloseable {
    private static final int ENODEV = 19;

    private final NetlinkConversation conversation;

    public Links(NetlinkTransport transport) {
        this.conversation = new NetlinkConversation(transport);
    }

    /** A client on a new {@code NETLINK_ROUTE} socket in the calling thread's network namespace. */
    public static Links open() {
        return new Links(new NetlinkSocket(Rtnetlink.NETLINK_ROUTE));
    }

    /** The link called {@code name}; ENODEV when there is none. */
    public Link get(String name) {
        checkName(name);
        return single("ip link show dev " + name, request(Rtnetlink.RTM_GETLINK, 0, 0, 0, 0,
                w -> w.string(Rtnetlink.IFLA_IFNAME, name)));
    }

    /** The link with {@code index}; ENODEV when there is none. */
    public Link get(int index) {
        return single("ip link show index " + index, request(Rtnetlink.RTM_GETLINK, 0, index, 0, 0, w -> { }));
    }

    /** The link called {@code name}, or empty when there is none (other failures still throw). */
    public Optional<Link> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (NetlinkException e) {
            if (e.errno() == ENODEV) return Optional.empty();
            throw e;
        }
    }

    /** Every link, by index. */
    public List<Link> list() {
        return exchange("ip link show", Rtnetlink.RTM_GETLINK, Netlink.NLM_F_DUMP, 0, 0, 0, w -> { })
                .stream().map(Link::decode).toList();
    }

    /** Sets the link administratively up or down ({@code IFF_UP}). */
    public void setUp(String name, boolean up) {
        set(name, up ? "up" : "down", up ? Rtnetlink.IFF_UP : 0, Rtnetlink.IFF_UP, w -> { });
    }

    public void setMac(String name, MacAddress mac) {
        set(name, "address " + mac, w -> w.bytes(Rtnetlink.IFLA_ADDRESS, mac.toBytes()));
    }

    public void setMtu(String name, int mtu) {
        if (mtu <= 0) throw new IllegalArgumentException("mtu=" + mtu + ": must be positive");
        set(name, "mtu " + mtu, w -> w.u32(Rtnetlink.IFLA_MTU, mtu));
    }

    /** Renames the link; the kernel refuses (EBUSY) while it is up. */
    public void rename(String name, String newName) {
        checkName(newName);
        set(name, "name " + newName, w -> w.string(Rtnetlink.IFLA_IFNAME, newName));
    }

    /** Moves the link into {@code namespace}; it leaves this one (and goes down, as the kernel does). */
    public void moveTo(String name, NetworkNamespace namespace) {
        set(name, "netns " + namespace.path(), w -> w.u32(Rtnetlink.IFLA_NET_NS_FD, namespace.fd()));
    }

    /** Moves the link into the network namespace of process {@code pid}. */
    public void moveToNamespaceOf(String name, long pid) {
        set(name, "netns " + pid, w -> w.u32(Rtnetlink.IFLA_NET_NS_PID, pid));
    }

    private void set(String name, String what, Consumer<MessageWriter> attributes) {
        set(name, what, 0, 0, attributes);
    }

    /** {@code RTM_SETLINK} on the link called {@code name}: ifinfomsg {@code flags} under {@code change}, and attributes. */
    private void set(String name, String what, int flags, int change, Consumer<MessageWriter> attributes) {
        int index = get(name).index();
        exchange("ip link set dev " + name + " " + what, Rtnetlink.RTM_SETLINK, 0, index, flags, change, attributes);
    }

    private record Request(int seq, ByteBuffer bytes) {}

    private Request request(int type, int extraFlags, int index, int flags, int change, Consumer<MessageWriter> attributes) {
        int seq = conversation.nextSequence();
        var header = ByteBuffer.allocate(Rtnetlink.IFINFOMSG_LEN).order(ByteOrder.nativeOrder());
        header.put(0, (byte) Rtnetlink.AF_UNSPEC).putInt(4, index).putInt(8, flags).putInt(12, change);
        var w = new MessageWriter(type, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | extraFlags, seq, header.array());
        attributes.accept(w);
        return new Request(seq, w.finish());
    }

    private List<NetlinkMessage> exchange(String operation, int type, int extraFlags, int index, int flags, int change,
                                          Consumer<MessageWriter> attributes) {
        var r = request(type, extraFlags, index, flags, change, attributes);
        return conversation.exchange(operation, r.seq(), r.bytes());
    }

    private Link single(String operation, Request r) {
        var replies = conversation.exchange(operation, r.seq(), r.bytes());
        if (replies.size() != 1) throw new NetlinkFormatException(operation + ": " + replies.size() + " replies, expected 1");
        return Link.decode(replies.getFirst());
    }

    /**
     * Checks an interface name as the kernel's {@code dev_valid_name} does: 1-15 bytes, not "." or "..", no
     * '/', ':' or white space. Throws {@link IllegalArgumentException} naming the rule broken.
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("interface name is empty");
        if (name.getBytes(StandardCharsets.UTF_8).length > 15) {
            throw new IllegalArgumentException("interface name '" + name + "' is longer than 15 bytes");
        }
        if (name.equals(".") || name.equals("..")) throw new IllegalArgumentException("interface name '" + name + "' is reserved");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("interface name '" + name + "' contains '" + c + "'");
            }
        }
        return name;
    }

    @Override
    public void close() {
        conversation.close();
    }
}
