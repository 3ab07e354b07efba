package io.vhostpath.ovsdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 7047's JSON encodings of values and operations, as plain maps and lists for {@link OvsdbClient#transact}. */
public final class Ovsdb {
    private Ovsdb() {}

    public static List<Object> map(Map<String, String> m) {
        var pairs = new ArrayList<Object>();
        m.forEach((k, v) -> pairs.add(List.of(k, v)));
        return List.of("map", pairs);
    }

    public static List<Object> set(List<?> elements) {
        return List.of("set", elements);
    }

    public static List<Object> uuid(String uuid) {
        return List.of("uuid", uuid);
    }

    public static List<Object> namedUuid(String name) {
        return List.of("named-uuid", name);
    }

    public static List<Object> condition(String column, String function, Object value) {
        return List.of(column, function, value);
    }

    public static Map<String, Object> select(String table, List<?> where, String... columns) {
        var op = operation("select", table);
        op.put("where", where);
        op.put("columns", List.of(columns));
        return op;
    }

    public static Map<String, Object> insert(String table, Map<String, Object> row, String uuidName) {
        var op = operation("insert", table);
        op.put("row", row);
        if (uuidName != null) op.put("uuid-name", uuidName);
        return op;
    }

    public static Map<String, Object> update(String table, List<?> where, Map<String, Object> row) {
        var op = operation("update", table);
        op.put("where", where);
        op.put("row", row);
        return op;
    }

    public static Map<String, Object> mutate(String table, List<?> where, String column, String mutator, Object value) {
        var op = operation("mutate", table);
        op.put("where", where);
        op.put("mutations", List.of(List.of(column, mutator, value)));
        return op;
    }

    public static Map<String, Object> delete(String table, List<?> where) {
        var op = operation("delete", table);
        op.put("where", where);
        return op;
    }

    private static Map<String, Object> operation(String op, String table) {
        var m = new LinkedHashMap<String, Object>();
        m.put("op", op);
        m.put("table", table);
        return m;
    }

    /** The rows of a select's result. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> rows(Map<String, Object> selectResult) {
        return (List<Map<String, Object>>) selectResult.get("rows");
    }

    /** A map column's value (["map", [[k, v], ...]]) as a Java map of strings. */
    public static Map<String, String> mapValue(Object column) {
        var out = new LinkedHashMap<String, String>();
        if (column instanceof List<?> l && l.size() == 2 && "map".equals(l.get(0))) {
            for (Object pair : (List<?>) l.get(1)) {
                var p = (List<?>) pair;
                out.put(String.valueOf(p.get(0)), String.valueOf(p.get(1)));
            }
        }
        return out;
    }

    /** A set column's elements: a single atom stands for a one-element set, ["set", [...]] for any other. */
    public static List<Object> setValue(Object column) {
        if (column instanceof List<?> l && l.size() == 2 && "set".equals(l.get(0))) return new ArrayList<>((List<?>) l.get(1));
        return column == null ? List.of() : List.of(column);
    }

    /** Of rows with "name" and "external_ids", the names whose external_ids hold {@code key}, with its value. */
    public static Map<String, String> withExternalId(List<Map<String, Object>> rows, String key) {
        var out = new LinkedHashMap<String, String>();
        for (var row : rows) {
            String value = mapValue(row.get("external_ids")).get(key);
            if (value != null) out.put((String) row.get("name"), value);
        }
        return out;
    }

    /** The uuid string of an ["uuid", "..."] value. */
    public static String uuidValue(Object column) {
        return (String) ((List<?>) column).get(1);
    }
}
