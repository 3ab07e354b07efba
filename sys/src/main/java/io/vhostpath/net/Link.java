package io.vhostpath.net;

import io.vhostpath.netlink.Attributes;
import io.vhostpath.netlink.NetlinkFormatException;
import io.vhostpath.netlink.NetlinkMessage;
import io.vhostpath.netlink.Rtnetlink;

/**
 * A network interface as rtnetlink reports it ({@code RTM_NEWLINK}): what {@code ip -j -d link show} prints.
 *
 * @param type        the hardware type ({@code ARPHRD_*}: 1 Ethernet, 772 loopback)
 * @param flags       the {@code IFF_*} flags
 * @param mac         the hardware address, or null when it is not 6 bytes (tunnels) or absent
 * @param operState   RFC 2863 state as {@code ip} names it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ...
 * @param kind        the driver kind ({@code veth}, {@code dummy}, ...), or null for a physical device
 * @param parentIndex the peer or lower device ({@code IFLA_LINK}), 0 when none
 */
public record Link(int index, String name, int type, int flags, int mtu, MacAddress mac, String operState, String kind,
                   int parentIndex, long txQueueLength) {

    /** Administratively up ({@code IFF_UP}). */
    public boolean up() {
        return (flags & Rtnetlink.IFF_UP) != 0;
    }

    /** The carrier is there ({@code IFF_LOWER_UP}). */
    public boolean lowerUp() {
        return (flags & Rtnetlink.IFF_LOWER_UP) != 0;
    }

    /** Decodes one {@code RTM_NEWLINK} message. */
    static Link decode(NetlinkMessage m) {
        var p = m.payload();
        if (m.type() != Rtnetlink.RTM_NEWLINK || p.remaining() < Rtnetlink.IFINFOMSG_LEN) {
            throw new NetlinkFormatException("link reply of type " + m.type() + " and " + p.remaining()
                    + " bytes is not an RTM_NEWLINK with an ifinfomsg");
        }
        int type = Short.toUnsignedInt(p.getShort(2));
        int index = p.getInt(4);
        int flags = p.getInt(8);
        var a = Attributes.parse(p.slice(Rtnetlink.IFINFOMSG_LEN, p.remaining() - Rtnetlink.IFINFOMSG_LEN));
        String name = a.string(Rtnetlink.IFLA_IFNAME)
                .orElseThrow(() -> new NetlinkFormatException("link " + index + " has no IFLA_IFNAME"));
        MacAddress mac = a.bytes(Rtnetlink.IFLA_ADDRESS).filter(b -> b.length == 6).map(MacAddress::of).orElse(null);
        int oper = a.u8(Rtnetlink.IFLA_OPERSTATE).orElse(0);
        String operState = oper < Rtnetlink.OPERSTATES.length ? Rtnetlink.OPERSTATES[oper] : "UNKNOWN";
        String kind = a.nested(Rtnetlink.IFLA_LINKINFO).flatMap(i -> i.string(Rtnetlink.IFLA_INFO_KIND)).orElse(null);
        return new Link(index, name, type, flags, a.u32(Rtnetlink.IFLA_MTU).orElse(0L).intValue(), mac, operState, kind,
                a.u32(Rtnetlink.IFLA_LINK).orElse(0L).intValue(), a.u32(Rtnetlink.IFLA_TXQLEN).orElse(0L));
    }
}
