package io.vhostpath.vdpa;

/** Constants of {@code linux/vdpa.h} (generic netlink family "vdpa", version 1), one to one. */
public final class VdpaNetlink {
    private VdpaNetlink() {}

    public static final String FAMILY = "vdpa";
    public static final int VERSION = 1;

    public static final int CMD_MGMTDEV_NEW = 1;
    public static final int CMD_MGMTDEV_GET = 2;        /* can dump */
    public static final int CMD_DEV_NEW = 3;
    public static final int CMD_DEV_DEL = 4;
    public static final int CMD_DEV_GET = 5;            /* can dump */
    public static final int CMD_DEV_CONFIG_GET = 6;     /* can dump */
    public static final int CMD_DEV_VSTATS_GET = 7;
    public static final int CMD_DEV_ATTR_SET = 8;       /* 6.12+: set the MAC of an existing device */

    public static final int ATTR_MGMTDEV_BUS_NAME = 1;          /* string */
    public static final int ATTR_MGMTDEV_DEV_NAME = 2;          /* string */
    public static final int ATTR_MGMTDEV_SUPPORTED_CLASSES = 3; /* u64 */
    public static final int ATTR_DEV_NAME = 4;                  /* string */
    public static final int ATTR_DEV_ID = 5;                    /* u32 */
    public static final int ATTR_DEV_VENDOR_ID = 6;             /* u32 */
    public static final int ATTR_DEV_MAX_VQS = 7;               /* u32 */
    public static final int ATTR_DEV_MAX_VQ_SIZE = 8;           /* u16 */
    public static final int ATTR_DEV_MIN_VQ_SIZE = 9;           /* u16 */
    public static final int ATTR_DEV_NET_CFG_MACADDR = 10;      /* binary, 6 bytes */
    public static final int ATTR_DEV_NET_STATUS = 11;           /* u8 */
    public static final int ATTR_DEV_NET_CFG_MAX_VQP = 12;      /* u16 */
    public static final int ATTR_DEV_NET_CFG_MTU = 13;          /* u16 */
    public static final int ATTR_DEV_NEGOTIATED_FEATURES = 14;  /* u64 */
    public static final int ATTR_DEV_MGMTDEV_MAX_VQS = 15;      /* u32 */
    public static final int ATTR_DEV_SUPPORTED_FEATURES = 16;   /* u64 */
    public static final int ATTR_DEV_QUEUE_INDEX = 17;          /* u32 */
    public static final int ATTR_DEV_VENDOR_ATTR_NAME = 18;     /* string */
    public static final int ATTR_DEV_VENDOR_ATTR_VALUE = 19;    /* u64 */
    public static final int ATTR_DEV_FEATURES = 20;             /* u64 */
    public static final int ATTR_VDPA_DEV_SUPPORTED_FEATURES = 21; /* u64 */

    /** {@code VIRTIO_NET_S_LINK_UP} in ATTR_DEV_NET_STATUS. */
    public static final int VIRTIO_NET_S_LINK_UP = 1;
    /** Virtio device ids ({@code linux/virtio_ids.h}) as reported in ATTR_DEV_ID and supported classes bits. */
    public static final int VIRTIO_ID_NET = 1;
    public static final int VIRTIO_ID_BLOCK = 2;
}
