package io.vhostpath.ovsdb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.vhostpath.ovsdb.Ovsdb.condition;

/** Ports of OVS bridges, in the Open_vSwitch database: what {@code ovs-vsctl add-port/del-port} does, in one transaction each. */
public final class OvsSwitch {
    private static final String DB = "Open_vSwitch";
    private final OvsdbClient client;

    public OvsSwitch(OvsdbClient client) {
        this.client = client;
    }

    /**
     * A port to add.
     *
     * @param interfaceType the Interface type: "" for a kernel netdev (a representor), "dpdkvhostuserclient", ...
     * @param tag           access VLAN, or null
     * @param trunks        trunk VLANs (empty: all, or none with a tag)
     * @param mtuRequest    the Interface's mtu_request, or null to leave the MTU alone
     */
    public record PortSpec(String bridge, String name, String interfaceType, Map<String, String> options,
                           Map<String, String> externalIds, Integer tag, List<Integer> trunks, Integer mtuRequest) {}

    /** A port as the database holds it: its bridge and its interface's external_ids and mtu_request. */
    public record Port(String name, String bridge, Map<String, String> externalIds, Integer tag, Integer mtuRequest) {}

    public boolean bridgeExists(String bridge) {
        var r = client.transact(DB, List.of(Ovsdb.select("Bridge", List.of(condition("name", "==", bridge)), "name")));
        return !Ovsdb.rows(r.get(0)).isEmpty();
    }

    public List<String> bridges() {
        var r = client.transact(DB, List.of(Ovsdb.select("Bridge", List.of(), "name")));
        return Ovsdb.rows(r.get(0)).stream().map(row -> (String) row.get("name")).toList();
    }

    /** Adds the port and its one interface to the bridge; throws when the bridge is missing or the name is taken. */
    public void plug(PortSpec spec) {
        var iface = new LinkedHashMap<String, Object>();
        iface.put("name", spec.name());
        iface.put("type", spec.interfaceType());
        if (!spec.options().isEmpty()) iface.put("options", Ovsdb.map(spec.options()));
        iface.put("external_ids", Ovsdb.map(spec.externalIds()));
        if (spec.mtuRequest() != null) iface.put("mtu_request", spec.mtuRequest().longValue());
        var port = new LinkedHashMap<String, Object>();
        port.put("name", spec.name());
        port.put("interfaces", Ovsdb.namedUuid("iface"));
        if (spec.tag() != null) port.put("tag", spec.tag().longValue());
        if (!spec.trunks().isEmpty()) port.put("trunks", Ovsdb.set(spec.trunks().stream().map(Integer::longValue).toList()));
        var r = client.transact(DB, List.of(
                Ovsdb.insert("Interface", iface, "iface"),
                Ovsdb.insert("Port", port, "port"),
                Ovsdb.mutate("Bridge", List.of(condition("name", "==", spec.bridge())), "ports", "insert",
                        Ovsdb.set(List.of(Ovsdb.namedUuid("port"))))));
        // A mutate that matched no bridge commits nothing useful: the unreferenced port is garbage-collected.
        if (((Number) r.get(2).get("count")).longValue() != 1) {
            throw OvsdbException.refused("OVS bridge " + spec.bridge() + " does not exist");
        }
    }

    /** The port called {@code name}, or empty. */
    public Optional<Port> port(String name) {
        var r = client.transact(DB, List.of(
                Ovsdb.select("Port", List.of(condition("name", "==", name)), "_uuid", "tag"),
                Ovsdb.select("Interface", List.of(condition("name", "==", name)), "external_ids", "mtu_request")));
        var ports = Ovsdb.rows(r.get(0));
        if (ports.isEmpty()) return Optional.empty();
        var portUuid = ports.get(0).get("_uuid");
        var bridges = client.transact(DB, List.of(Ovsdb.select("Bridge",
                List.of(condition("ports", "includes", portUuid)), "name")));
        var br = Ovsdb.rows(bridges.get(0));
        var ifaces = Ovsdb.rows(r.get(1));
        Map<String, String> ids = ifaces.isEmpty() ? Map.of() : Ovsdb.mapValue(ifaces.get(0).get("external_ids"));
        Integer mtu = ifaces.isEmpty() ? null : firstInt(ifaces.get(0).get("mtu_request"));
        return Optional.of(new Port(name, br.isEmpty() ? null : (String) br.get(0).get("name"), ids,
                firstInt(ports.get(0).get("tag")), mtu));
    }

    /** The ports whose interface carries external_ids {@code key}, with its value (the ports a plugin made). */
    public Map<String, String> portsWithExternalId(String key) {
        var r = client.transact(DB, List.of(Ovsdb.select("Interface", List.of(), "name", "external_ids")));
        return Ovsdb.withExternalId(Ovsdb.rows(r.get(0)), key);
    }

    /** Removes port {@code name} from whichever bridge holds it; false when there was none. */
    public boolean unplug(String name) {
        var r = client.transact(DB, List.of(Ovsdb.select("Port", List.of(condition("name", "==", name)), "_uuid")));
        var rows = Ovsdb.rows(r.get(0));
        if (rows.isEmpty()) return false;
        Object uuid = rows.get(0).get("_uuid");
        client.transact(DB, List.of(Ovsdb.mutate("Bridge", List.of(condition("ports", "includes", uuid)), "ports", "delete",
                Ovsdb.set(List.of(uuid)))));
        return true;
    }

    private static Integer firstInt(Object column) {
        var values = Ovsdb.setValue(column);
        return values.isEmpty() ? null : ((Number) values.get(0)).intValue();
    }
}
