package io.vhostpath.netlink;

/** Constants of {@code linux/netlink.h} and {@code linux/genetlink.h}, one to one. */
public final class Netlink {
    private Netlink() {}

    public static final int NETLINK_GENERIC = 16;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    /** {@code struct nlmsghdr}: u32 len, u16 type, u16 flags, u32 seq, u32 pid. */
    public static final int NLMSG_HDRLEN = 16;
    /** {@code struct genlmsghdr}: u8 cmd, u8 version, u16 reserved. */
    public static final int GENL_HDRLEN = 4;
    /** {@code struct nlattr}: u16 len, u16 type. */
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_TYPE_MASK = 0x3FFF;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;

    public static final int NLM_F_REQUEST = 0x01;
    public static final int NLM_F_MULTI = 0x02;
    public static final int NLM_F_ACK = 0x04;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    /** On NLMSG_ERROR: the original request is not echoed (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** On NLMSG_ERROR: extended-ack TLVs follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    public static final int NLMSGERR_ATTR_MSG = 1;      /* string */
    public static final int NLMSGERR_ATTR_OFFS = 2;     /* u32 */

    public static final int GENL_ID_CTRL = 16;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;    /* u16 */
    public static final int CTRL_ATTR_FAMILY_NAME = 2;  /* string */

    public static int align(int length) {
        return (length + 3) & ~3;
    }
}
