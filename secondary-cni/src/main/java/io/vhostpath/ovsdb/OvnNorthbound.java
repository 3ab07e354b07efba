package io.vhostpath.ovsdb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.vhostpath.ovsdb.Ovsdb.condition;

/**
 * Layer-2 networks in the OVN Northbound database, as OVN-Kubernetes' secondary {@code topology: layer2} networks
 * use it: one logical switch per network, created by the first attachment, one logical switch port per attachment.
 * Logical_Switch names are not unique in the schema: creation waits for "no switch of that name" in the same
 * transaction, so two first attachments racing make one switch.
 */
public final class OvnNorthbound {
    private static final String DB = "OVN_Northbound";
    private static final int CREATE_ATTEMPTS = 5;
    private final OvsdbClient client;

    public OvnNorthbound(OvsdbClient client) {
        this.client = client;
    }

    /** A logical switch port as the database holds it. */
    public record SwitchPort(String name, String logicalSwitch, List<Object> addresses, List<Object> portSecurity,
                             Boolean up, Map<String, String> externalIds) {}

    /** The uuid of logical switch {@code name}, created (with {@code externalIds}) when there is none. */
    public String ensureSwitch(String name, Map<String, String> externalIds) {
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            Optional<String> existing = switchUuid(name);
            if (existing.isPresent()) return existing.get();
            var row = new LinkedHashMap<String, Object>();
            row.put("name", name);
            row.put("external_ids", Ovsdb.map(externalIds));
            var wait = new LinkedHashMap<String, Object>();
            wait.put("op", "wait");
            wait.put("table", "Logical_Switch");
            wait.put("where", List.of(condition("name", "==", name)));
            wait.put("columns", List.of("name"));
            wait.put("until", "==");
            wait.put("rows", List.of());
            wait.put("timeout", 0);
            try {
                var r = client.transact(DB, List.of(wait, Ovsdb.insert("Logical_Switch", row, null)));
                return Ovsdb.uuidValue(r.get(1).get("uuid"));
            } catch (OvsdbException e) {
                if (e.unreachable() || !e.getMessage().contains("timed out")) throw e;
                // another attachment created it between our read and our write: read it again
            }
        }
        throw OvsdbException.refused("logical switch " + name + " could not be created or found in " + CREATE_ATTEMPTS + " attempts");
    }

    public Optional<String> switchUuid(String name) {
        var r = client.transact(DB, List.of(Ovsdb.select("Logical_Switch", List.of(condition("name", "==", name)), "_uuid")));
        var rows = Ovsdb.rows(r.get(0));
        return rows.isEmpty() ? Optional.empty() : Optional.of(Ovsdb.uuidValue(rows.get(0).get("_uuid")));
    }

    /**
     * Adds port {@code name} to the switch with {@code addresses} and {@code port_security} both "MAC IP..." (OVN
     * then drops frames from other sources). The name must be free: it is unique in the schema.
     */
    public void addPort(String switchUuid, String name, String macAndIps, Map<String, String> externalIds) {
        var row = new LinkedHashMap<String, Object>();
        row.put("name", name);
        row.put("addresses", macAndIps);
        row.put("port_security", macAndIps);
        row.put("external_ids", Ovsdb.map(externalIds));
        var r = client.transact(DB, List.of(
                Ovsdb.insert("Logical_Switch_Port", row, "lsp"),
                Ovsdb.mutate("Logical_Switch", List.of(condition("_uuid", "==", Ovsdb.uuid(switchUuid))), "ports", "insert",
                        Ovsdb.set(List.of(Ovsdb.namedUuid("lsp"))))));
        if (((Number) r.get(1).get("count")).longValue() != 1) {
            throw OvsdbException.refused("logical switch " + switchUuid + " is gone");
        }
    }

    public Optional<SwitchPort> port(String name) {
        var r = client.transact(DB, List.of(
                Ovsdb.select("Logical_Switch_Port", List.of(condition("name", "==", name)), "_uuid", "addresses",
                        "port_security", "up", "external_ids")));
        var rows = Ovsdb.rows(r.get(0));
        if (rows.isEmpty()) return Optional.empty();
        var row = rows.get(0);
        var owner = client.transact(DB, List.of(Ovsdb.select("Logical_Switch",
                List.of(condition("ports", "includes", row.get("_uuid"))), "name")));
        var ls = Ovsdb.rows(owner.get(0));
        var up = Ovsdb.setValue(row.get("up"));
        return Optional.of(new SwitchPort(name, ls.isEmpty() ? null : (String) ls.get(0).get("name"),
                Ovsdb.setValue(row.get("addresses")), Ovsdb.setValue(row.get("port_security")),
                up.isEmpty() ? null : (Boolean) up.get(0), Ovsdb.mapValue(row.get("external_ids"))));
    }

    /** Removes port {@code name} from its switch (the row goes with its last reference); false when there was none. */
    public boolean removePort(String name) {
        var r = client.transact(DB, List.of(Ovsdb.select("Logical_Switch_Port", List.of(condition("name", "==", name)), "_uuid")));
        var rows = Ovsdb.rows(r.get(0));
        if (rows.isEmpty()) return false;
        Object uuid = rows.get(0).get("_uuid");
        client.transact(DB, List.of(Ovsdb.mutate("Logical_Switch", List.of(condition("ports", "includes", uuid)), "ports",
                "delete", Ovsdb.set(List.of(uuid)))));
        return true;
    }

    /** The logical switch ports whose external_ids carry {@code key}, with its value (for DEL without state, and GC). */
    public Map<String, String> portsWithExternalId(String key) {
        var r = client.transact(DB, List.of(Ovsdb.select("Logical_Switch_Port", List.of(), "name", "external_ids")));
        return Ovsdb.withExternalId(Ovsdb.rows(r.get(0)), key);
    }
}
