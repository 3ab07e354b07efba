package io.vhostpath.cni;

/** How an attachment reaches the network, chosen by the NAD config's {@code mode}. */
public enum AttachMode {
    /** The VF's representor becomes a port of an OVS bridge. */
    OVS("ovs"),
    /** As OVS, and the port is bound to a logical switch port of an OVN layer-2 network. */
    OVN("ovn"),
    /** No vDPA NIC: a dpdkvhostuserclient port on an OVS-DPDK bridge, the socket in a directory the pod mounts. */
    VHOST_USER("vhost-user");

    private final String configName;

    AttachMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static AttachMode parse(String field, String s) {
        for (AttachMode m : values()) if (m.configName.equals(s)) return m;
        throw CniError.config(field, "'" + s + "' is none of ovs, ovn, vhost-user");
    }
}
