package io.vhostpath.cni;

import io.vhostpath.net.MacAddress;
import io.vhostpath.ovsdb.OvnNorthbound;
import io.vhostpath.ovsdb.OvsSwitch;
import io.vhostpath.ovsdb.OvsdbClient;
import io.vhostpath.ovsdb.OvsdbException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One attachment's side of the switch: its OVS port (tagged with the attachment in external_ids) and, on an OVN
 * network, its logical switch port. One OVSDB connection per step: a CNI call makes a handful.
 */
final class SwitchPorts {
    /** The external_ids key on every OVS interface and logical port this plugin creates: the attachment it belongs to. */
    static final String ATTACHMENT_ID = "vhostpath-attachment";
    private final NetConf conf;
    private final CniEnv env;
    private final DebugLog log;

    SwitchPorts(NetConf conf, CniEnv env, DebugLog log) {
        this.conf = conf;
        this.env = env;
        this.log = log;
    }

    /**
     * The attachment's logical switch port on the network's switch (created by the first attachment), with
     * addresses and port security "MAC IP...": ovn-controller binds it to the OVS port that names it in iface-id.
     */
    String addLogicalPort(MacAddress mac, Map<String, Object> result) {
        String name = conf.name() + "_" + env.attachmentKey();
        var macAndIps = new StringBuilder(mac.toString());
        if (result.get("ips") instanceof List<?> ips) {
            for (Object ip : ips) {
                String cidr = String.valueOf(((Map<?, ?>) ip).get("address"));
                macAndIps.append(' ').append(cidr, 0, cidr.indexOf('/') < 0 ? cidr.length() : cidr.indexOf('/'));
            }
        }
        withOvn(nb -> {
            String ls = nb.ensureSwitch(conf.logicalSwitch(), Map.of("vhostpath-network", conf.name()));
            nb.addPort(ls, name, macAndIps.toString(), Map.of(ATTACHMENT_ID, env.attachmentKey(), "vhostpath-network", conf.name()));
            return null;
        });
        log.line("logical switch port " + name + " on " + conf.logicalSwitch() + ": " + macAndIps);
        return name;
    }

    /** Removes the given logical switch ports and any other of this attachment's; the switch stays. */
    void removeLogicalPorts(List<String> known) {
        withOvn(nb -> {
            for (String p : ours(known, nb.portsWithExternalId(ATTACHMENT_ID))) {
                if (nb.removePort(p)) log.line("removed logical switch port " + p);
            }
            return null;
        });
    }

    /** {@code known} and every port tagged with this attachment. */
    private java.util.Set<String> ours(List<String> known, Map<String, String> tagged) {
        var names = new java.util.LinkedHashSet<>(known);
        tagged.forEach((port, attachment) -> {
            if (attachment.equals(env.attachmentKey())) names.add(port);
        });
        return names;
    }

    <T> T withOvn(java.util.function.Function<OvnNorthbound, T> work) {
        return withDb(conf.ovnNorthbound(), "OVN Northbound database", c -> work.apply(new OvnNorthbound(c)));
    }

    <T> T withOvs(java.util.function.Function<OvsSwitch, T> work) {
        return withDb(conf.ovsdbSocket(), "Open vSwitch database", c -> work.apply(new OvsSwitch(c)));
    }

    /** One connection for {@code work}; unreachable is "try again", a missing bridge a config error. */
    private <T> T withDb(Path socket, String what, java.util.function.Function<OvsdbClient, T> work) {
        try (var client = OvsdbClient.connect(socket)) {
            return work.apply(client);
        } catch (OvsdbException e) {
            if (e.unreachable()) throw new CniError(CniError.TRY_AGAIN_LATER, what + " unreachable", e.getMessage());
            if (e.getMessage().startsWith("OVS bridge ")) throw CniError.config("bridge", e.getMessage());
            throw new CniError(CniError.INTERNAL, what + " refused the change", e.getMessage());
        }
    }

    void plug(String name, String type, Map<String, String> options, String ifaceId) {
        var ids = new LinkedHashMap<String, String>();
        if (ifaceId != null) ids.put("iface-id", ifaceId);
        ids.put(ATTACHMENT_ID, env.attachmentKey());
        ids.put("vhostpath-network", conf.name());
        ids.put("contIface", env.ifname());
        ids.put("contNetns", env.netns());
        var trunks = new ArrayList<Integer>();
        for (int[] r : conf.trunks()) for (int v = r[0]; v <= r[1]; v++) trunks.add(v);
        withOvs(sw -> {
            sw.plug(new OvsSwitch.PortSpec(conf.bridge(), name, type, options, ids, conf.vlan(), trunks, conf.mtu()));
            return null;
        });
        log.line("plugged OVS port " + name + " into " + conf.bridge());
    }

    /** Removes the given ports and any other port tagged with this attachment; OVSDB down is "try again". */
    void unplug(List<String> known) {
        withOvs(sw -> {
            for (String p : ours(known, sw.portsWithExternalId(ATTACHMENT_ID))) {
                if (sw.unplug(p)) log.line("unplugged OVS port " + p);
            }
            return null;
        });
    }
}
