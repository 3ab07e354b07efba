package io.vhostpath.cni;

import io.vhostpath.text.JsonReader;

import java.util.List;
import java.util.Map;

/** Typed reads from a decoded JSON object; a wrong type is a config error naming the field's full path. */
record ConfigFields(String prefix, Map<String, Object> map) {
    static ConfigFields root(Map<String, Object> map) {
        return new ConfigFields("", map);
    }

    String path(String key) {
        return prefix + key;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    String string(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw wrongType(key, "a string", v);
    }

    String requiredString(String key) {
        String s = string(key);
        if (s == null || s.isEmpty()) throw CniError.config(path(key), "required, not given");
        return s;
    }

    Integer integer(String key, int min, int max) {
        Object v = map.get(key);
        if (v == null) return null;
        if (!(v instanceof Long n)) throw wrongType(key, "an integer", v);
        if (n < min || n > max) throw CniError.config(path(key), n + " is outside " + min + ".." + max);
        return n.intValue();
    }

    Boolean bool(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof Boolean b) return b;
        throw wrongType(key, "true or false", v);
    }

    @SuppressWarnings("unchecked")
    ConfigFields object(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof Map<?, ?> m) return new ConfigFields(path(key) + ".", (Map<String, Object>) m);
        throw wrongType(key, "an object", v);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> rawObject(String key) {
        ConfigFields o = object(key);
        return o == null ? null : o.map;
    }

    List<?> list(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof List<?> l) return l;
        throw wrongType(key, "an array", v);
    }

    /** The i-th element of array {@code key}, which must be an object. */
    @SuppressWarnings("unchecked")
    ConfigFields element(String key, int i) {
        Object v = list(key).get(i);
        String where = path(key) + "[" + i + "]";
        if (v instanceof Map<?, ?> m) return new ConfigFields(where + ".", (Map<String, Object>) m);
        throw CniError.config(where, "must be an object, found " + JsonReader.typeName(v));
    }

    private CniError wrongType(String key, String wanted, Object found) {
        return CniError.config(path(key), "must be " + wanted + ", found " + JsonReader.typeName(found));
    }
}
