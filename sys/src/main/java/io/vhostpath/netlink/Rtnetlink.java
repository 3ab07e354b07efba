package io.vhostpath.netlink;

/** Constants of {@code linux/rtnetlink.h}, {@code linux/if_link.h} and {@code linux/if.h} for links, one to one. */
public final class Rtnetlink {
    private Rtnetlink() {}

    public static final int NETLINK_ROUTE = 0;

    public static final int RTM_NEWLINK = 16;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;

    /** {@code struct ifinfomsg}: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change. */
    public static final int IFINFOMSG_LEN = 16;
    public static final int AF_UNSPEC = 0;

    public static final int IFLA_ADDRESS = 1;         /* binary */
    public static final int IFLA_BROADCAST = 2;       /* binary */
    public static final int IFLA_IFNAME = 3;          /* string */
    public static final int IFLA_MTU = 4;             /* u32 */
    public static final int IFLA_LINK = 5;            /* u32 */
    public static final int IFLA_MASTER = 10;         /* u32 */
    public static final int IFLA_TXQLEN = 13;         /* u32 */
    public static final int IFLA_OPERSTATE = 16;      /* u8 */
    public static final int IFLA_LINKINFO = 18;       /* nested */
    public static final int IFLA_NET_NS_PID = 19;     /* u32 */
    public static final int IFLA_NET_NS_FD = 28;      /* u32 */
    public static final int IFLA_EXT_MASK = 29;       /* u32 */
    public static final int IFLA_MIN_MTU = 50;        /* u32 */
    public static final int IFLA_MAX_MTU = 51;        /* u32 */

    public static final int IFLA_INFO_KIND = 1;       /* string, inside IFLA_LINKINFO */

    public static final int IFF_UP = 0x1;
    public static final int IFF_LOWER_UP = 0x10000;

    /** {@code ARPHRD_ETHER}: the ifinfomsg type of Ethernet links. */
    public static final int ARPHRD_ETHER = 1;
    public static final int ARPHRD_LOOPBACK = 772;

    /** {@code IF_OPER_*} (RFC 2863), indexed by value, as {@code ip -j link} prints them. */
    public static final String[] OPERSTATES = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};
}
