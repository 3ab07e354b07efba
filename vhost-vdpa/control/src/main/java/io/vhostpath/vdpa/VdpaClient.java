package io.vhostpath.vdpa;

import io.vhostpath.net.MacAddress;
import io.vhostpath.netlink.Attributes;
import io.vhostpath.netlink.GenericNetlink;
import io.vhostpath.netlink.MessageWriter;
import io.vhostpath.netlink.NetlinkSocket;
import io.vhostpath.netlink.NetlinkTransport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * The kernel's vdpa management interface over generic netlink: what iproute2's {@code vdpa} does, in process.
 * Errors are {@link io.vhostpath.netlink.NetlinkException}s naming the operation and device, with errno and the
 * kernel's own message.
 */
public final class VdpaClient implements AutoCloseable {
    private final GenericNetlink genl;
    private int family = -1;

    public VdpaClient(NetlinkTransport transport) {
        this.genl = new GenericNetlink(transport);
    }

    /** A client on a new generic netlink socket. */
    public static VdpaClient open() {
        return new VdpaClient(NetlinkSocket.generic());
    }

    private int family() {
        if (family < 0) family = genl.familyId(VdpaNetlink.FAMILY);
        return family;
    }

    public List<MgmtDevice> mgmtDevices() {
        return genl.dump("vdpa mgmtdev show", family(), VdpaNetlink.CMD_MGMTDEV_GET, VdpaNetlink.VERSION, w -> { })
                .stream().map(VdpaClient::mgmtDevice).toList();
    }

    /** One management device by handle ({@code bus/name} or {@code name}). */
    public MgmtDevice mgmtDevice(String handle) {
        return single(genl.request("vdpa mgmtdev show " + handle, family(), VdpaNetlink.CMD_MGMTDEV_GET,
                VdpaNetlink.VERSION, w -> putMgmtHandle(w, handle)), "mgmtdev " + handle, VdpaClient::mgmtDevice);
    }

    public List<VdpaDevice> devices() {
        return genl.dump("vdpa dev show", family(), VdpaNetlink.CMD_DEV_GET, VdpaNetlink.VERSION, w -> { })
                .stream().map(VdpaClient::device).toList();
    }

    public VdpaDevice device(String name) {
        return single(genl.request("vdpa dev show " + name, family(), VdpaNetlink.CMD_DEV_GET, VdpaNetlink.VERSION,
                w -> w.string(VdpaNetlink.ATTR_DEV_NAME, name)), "dev " + name, VdpaClient::device);
    }

    /** Creates a device; the kernel binds it to whichever vdpa bus driver is loaded (vhost_vdpa or virtio_vdpa). */
    public void add(NewDevice d) {
        genl.request("vdpa dev add name " + d.name() + " mgmtdev " + d.mgmtDevice(), family(), VdpaNetlink.CMD_DEV_NEW,
                VdpaNetlink.VERSION, w -> {
                    putMgmtHandle(w, d.mgmtDevice());
                    w.string(VdpaNetlink.ATTR_DEV_NAME, d.name());
                    if (d.mac() != null) w.bytes(VdpaNetlink.ATTR_DEV_NET_CFG_MACADDR, d.mac().toBytes());
                    if (d.mtu() != null) w.u16(VdpaNetlink.ATTR_DEV_NET_CFG_MTU, d.mtu());
                    if (d.maxVqPairs() != null) w.u16(VdpaNetlink.ATTR_DEV_NET_CFG_MAX_VQP, d.maxVqPairs());
                });
    }

    public void delete(String name) {
        genl.request("vdpa dev del " + name, family(), VdpaNetlink.CMD_DEV_DEL, VdpaNetlink.VERSION,
                w -> w.string(VdpaNetlink.ATTR_DEV_NAME, name));
    }

    public NetConfig config(String name) {
        return single(genl.request("vdpa dev config show " + name, family(), VdpaNetlink.CMD_DEV_CONFIG_GET,
                VdpaNetlink.VERSION, w -> w.string(VdpaNetlink.ATTR_DEV_NAME, name)), "dev " + name, VdpaClient::config);
    }

    public List<NetConfig> configs() {
        return genl.dump("vdpa dev config show", family(), VdpaNetlink.CMD_DEV_CONFIG_GET, VdpaNetlink.VERSION, w -> { })
                .stream().map(VdpaClient::config).toList();
    }

    /** Statistics of queue {@code queueIndex}; the kernel answers only while a driver has the device set up. */
    public VstatsQueue vstats(String name, int queueIndex) {
        return single(genl.request("vdpa dev vstats show " + name + " qidx " + queueIndex, family(),
                VdpaNetlink.CMD_DEV_VSTATS_GET, VdpaNetlink.VERSION, w -> {
                    w.string(VdpaNetlink.ATTR_DEV_NAME, name);
                    w.u32(VdpaNetlink.ATTR_DEV_QUEUE_INDEX, queueIndex);
                }), "dev " + name, a -> vstats(name, a));
    }

    /**
     * Sets the MAC of an existing device ({@code VDPA_CMD_DEV_ATTR_SET}, Linux 6.12+). Older kernels answer
     * EOPNOTSUPP, and management devices without the capability refuse it: both come back as the kernel said.
     */
    public void setMac(String name, MacAddress mac) {
        genl.request("vdpa dev set " + name + " mac", family(), VdpaNetlink.CMD_DEV_ATTR_SET, VdpaNetlink.VERSION, w -> {
            w.string(VdpaNetlink.ATTR_DEV_NAME, name);
            w.bytes(VdpaNetlink.ATTR_DEV_NET_CFG_MACADDR, mac.toBytes());
        });
    }

    private static void putMgmtHandle(MessageWriter w, String handle) {
        int slash = handle.indexOf('/');
        if (slash >= 0) w.string(VdpaNetlink.ATTR_MGMTDEV_BUS_NAME, handle.substring(0, slash));
        w.string(VdpaNetlink.ATTR_MGMTDEV_DEV_NAME, slash >= 0 ? handle.substring(slash + 1) : handle);
    }

    private static <T> T single(List<Attributes> replies, String what, java.util.function.Function<Attributes, T> decode) {
        if (replies.size() != 1) {
            throw new io.vhostpath.netlink.NetlinkFormatException(what + ": expected one reply, got " + replies.size());
        }
        return decode.apply(replies.getFirst());
    }

    static MgmtDevice mgmtDevice(Attributes a) {
        return new MgmtDevice(a.string(VdpaNetlink.ATTR_MGMTDEV_BUS_NAME).orElse(null), required(a,
                VdpaNetlink.ATTR_MGMTDEV_DEV_NAME, "mgmtdev name"),
                a.u64(VdpaNetlink.ATTR_MGMTDEV_SUPPORTED_CLASSES).orElse(0L),
                a.u32(VdpaNetlink.ATTR_DEV_MGMTDEV_MAX_VQS).orElse(0L),
                a.u64(VdpaNetlink.ATTR_DEV_SUPPORTED_FEATURES).orElse(0L));
    }

    static VdpaDevice device(Attributes a) {
        String bus = a.string(VdpaNetlink.ATTR_MGMTDEV_BUS_NAME).orElse(null);
        String mgmt = a.string(VdpaNetlink.ATTR_MGMTDEV_DEV_NAME).orElse("");
        return new VdpaDevice(required(a, VdpaNetlink.ATTR_DEV_NAME, "device name"), bus == null ? mgmt : bus + "/" + mgmt,
                a.u32(VdpaNetlink.ATTR_DEV_ID).orElse(0L), a.u32(VdpaNetlink.ATTR_DEV_VENDOR_ID).orElse(0L),
                a.u32(VdpaNetlink.ATTR_DEV_MAX_VQS).orElse(0L), a.u16(VdpaNetlink.ATTR_DEV_MAX_VQ_SIZE).orElse(0),
                a.u16(VdpaNetlink.ATTR_DEV_MIN_VQ_SIZE).orElse(0));
    }

    static NetConfig config(Attributes a) {
        return new NetConfig(required(a, VdpaNetlink.ATTR_DEV_NAME, "device name"),
                a.bytes(VdpaNetlink.ATTR_DEV_NET_CFG_MACADDR).filter(b -> b.length == 6).map(MacAddress::of).orElse(null),
                // u8 in the UAPI comment, u16 on the wire from 5.x kernels on: read what is there.
                a.u16(VdpaNetlink.ATTR_DEV_NET_STATUS).or(() -> a.u8(VdpaNetlink.ATTR_DEV_NET_STATUS)).orElse(null),
                a.u16(VdpaNetlink.ATTR_DEV_NET_CFG_MTU).orElse(null),
                a.u16(VdpaNetlink.ATTR_DEV_NET_CFG_MAX_VQP).orElse(null),
                a.u64(VdpaNetlink.ATTR_DEV_NEGOTIATED_FEATURES).orElse(0L),
                a.u64(VdpaNetlink.ATTR_DEV_FEATURES).orElse(null));
    }

    static VstatsQueue vstats(String name, Attributes a) {
        var counters = new LinkedHashMap<String, Long>();
        // The kernel sends name, value, name, value ...: the i-th name goes with the i-th value.
        var names = a.strings(VdpaNetlink.ATTR_DEV_VENDOR_ATTR_NAME);
        var values = a.u64s(VdpaNetlink.ATTR_DEV_VENDOR_ATTR_VALUE);
        for (int i = 0; i < Math.min(names.size(), values.size()); i++) counters.put(names.get(i), values.get(i));
        return new VstatsQueue(name, a.u32(VdpaNetlink.ATTR_DEV_QUEUE_INDEX).orElse(-1L).intValue(),
                a.u64(VdpaNetlink.ATTR_DEV_NEGOTIATED_FEATURES).orElse(0L), counters);
    }

    private static String required(Attributes a, int type, String what) {
        return a.string(type).orElseThrow(() -> new io.vhostpath.netlink.NetlinkFormatException("reply has no " + what
                + " (attribute " + type + ")"));
    }

    @Override
    public void close() {
        genl.close();
    }
}
