package io.vhostpath.devlink;

import io.vhostpath.netlink.Attributes;
import io.vhostpath.netlink.GenericNetlink;
import io.vhostpath.netlink.MessageWriter;
import io.vhostpath.netlink.NetlinkFormatException;
import io.vhostpath.netlink.NetlinkSocket;
import io.vhostpath.netlink.NetlinkTransport;

import java.util.List;

/**
 * The kernel's devlink interface over generic netlink (include/uapi/linux/devlink.h), what iproute2's {@code devlink}
 * does for the node agent: devices, eswitch mode get/set, ports with their flavours (to find VF representors).
 * Errors are {@link io.vhostpath.netlink.NetlinkException}s naming the operation and device, with errno and the
 * kernel's message. One socket per client; not thread-safe.
 */
public final class Devlink implements AutoCloseable {
    static final String FAMILY = "devlink";
    static final int VERSION = 1;
    static final int CMD_GET = 1;
    static final int CMD_PORT_GET = 5;
    static final int CMD_ESWITCH_GET = 29;
    static final int CMD_ESWITCH_SET = 30;
    static final int ATTR_BUS_NAME = 1;
    static final int ATTR_DEV_NAME = 2;
    static final int ATTR_PORT_INDEX = 3;
    static final int ATTR_PORT_NETDEV_NAME = 7;
    static final int ATTR_ESWITCH_MODE = 25;
    static final int ATTR_PORT_FLAVOUR = 77;
    static final int ATTR_PORT_PCI_PF_NUMBER = 127;
    static final int ATTR_PORT_PCI_VF_NUMBER = 128;

    private final GenericNetlink genl;
    private int family = -1;

    public Devlink(NetlinkTransport transport) {
        this.genl = new GenericNetlink(transport);
    }

    public static Devlink open() {
        return new Devlink(NetlinkSocket.generic());
    }

    private int family() {
        if (family < 0) family = genl.familyId(FAMILY);
        return family;
    }

    /** Every devlink device, as {@code bus/name} handles. */
    public List<String> devices() {
        return genl.dump("devlink dev show", family(), CMD_GET, VERSION, w -> { }).stream().map(Devlink::handle).toList();
    }

    public EswitchMode eswitchMode(String device) {
        var replies = genl.request("devlink dev eswitch show " + device, family(), CMD_ESWITCH_GET, VERSION, w -> putHandle(w, device));
        if (replies.isEmpty()) throw new NetlinkFormatException("devlink dev eswitch show " + device + ": no reply");
        return EswitchMode.of(replies.getFirst().u16(ATTR_ESWITCH_MODE)
                .orElseThrow(() -> new NetlinkFormatException("devlink dev eswitch show " + device + ": no mode in the reply")));
    }

    /** Sets the eswitch mode; the driver creates (switchdev) or removes (legacy) the VF representors. */
    public void setEswitchMode(String device, EswitchMode mode) {
        genl.request("devlink dev eswitch set " + device + " mode " + mode.iproute2Name(), family(), CMD_ESWITCH_SET, VERSION, w -> {
            putHandle(w, device);
            w.u16(ATTR_ESWITCH_MODE, mode.value());
        });
    }

    /** Every port of every device. */
    public List<DevlinkPort> ports() {
        return genl.dump("devlink port show", family(), CMD_PORT_GET, VERSION, w -> { }).stream().map(Devlink::port).toList();
    }

    /** The ports of {@code device}. */
    public List<DevlinkPort> ports(String device) {
        return ports().stream().filter(p -> p.device().equals(device)).toList();
    }

    private static void putHandle(MessageWriter w, String device) {
        int slash = device.indexOf('/');
        if (slash <= 0 || slash == device.length() - 1) throw new IllegalArgumentException("devlink handle '" + device + "' is not bus/name");
        w.string(ATTR_BUS_NAME, device.substring(0, slash));
        w.string(ATTR_DEV_NAME, device.substring(slash + 1));
    }

    private static String handle(Attributes a) {
        return a.string(ATTR_BUS_NAME).orElseThrow(() -> new NetlinkFormatException("devlink reply without a bus name"))
                + "/" + a.string(ATTR_DEV_NAME).orElseThrow(() -> new NetlinkFormatException("devlink reply without a device name"));
    }

    private static DevlinkPort port(Attributes a) {
        return new DevlinkPort(handle(a),
                a.u32(ATTR_PORT_INDEX).orElseThrow(() -> new NetlinkFormatException("devlink port without an index")),
                DevlinkPort.Flavour.of(a.u16(ATTR_PORT_FLAVOUR).orElse(0)),
                a.u16(ATTR_PORT_PCI_PF_NUMBER).orElse(-1), a.u16(ATTR_PORT_PCI_VF_NUMBER).orElse(-1),
                a.string(ATTR_PORT_NETDEV_NAME).orElse(null));
    }

    @Override
    public void close() {
        genl.close();
    }
}
