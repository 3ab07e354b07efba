package io.vhostpath.text;

import java.util.List;
import java.util.Map;

/**
 * Typed reads from a decoded JSON object (a config file, a CNI config): a missing or mistyped field is a
 * {@link JsonFieldException} naming its full path ({@code runtimeConfig.mac}, {@code trunk[0].minID}).
 *
 * @param prefix the path of this object, ending in '.' ("" at the root)
 */
public record JsonFields(String prefix, Map<String, Object> map) {
    public static JsonFields root(Map<String, Object> map) {
        return new JsonFields("", map);
    }

    public String path(String key) {
        return prefix + key;
    }

    public boolean has(String key) {
        return map.get(key) != null;
    }

    public String string(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        throw wrongType(key, "a string", v);
    }

    public String requiredString(String key) {
        String s = string(key);
        if (s == null || s.isEmpty()) throw new JsonFieldException(path(key), "required, not given");
        return s;
    }

    public Integer integer(String key, int min, int max) {
        Object v = map.get(key);
        if (v == null) return null;
        if (!(v instanceof Long n)) throw wrongType(key, "an integer", v);
        if (n < min || n > max) throw new JsonFieldException(path(key), n + " is outside " + min + ".." + max);
        return n.intValue();
    }

    public Boolean bool(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof Boolean b) return b;
        throw wrongType(key, "true or false", v);
    }

    @SuppressWarnings("unchecked")
    public JsonFields object(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof Map<?, ?> m) return new JsonFields(path(key) + ".", (Map<String, Object>) m);
        throw wrongType(key, "an object", v);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> rawObject(String key) {
        JsonFields o = object(key);
        return o == null ? null : o.map;
    }

    public List<?> list(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof List<?> l) return l;
        throw wrongType(key, "an array", v);
    }

    /** The i-th element of array {@code key}, which must be an object. */
    @SuppressWarnings("unchecked")
    public JsonFields element(String key, int i) {
        Object v = list(key).get(i);
        String where = path(key) + "[" + i + "]";
        if (v instanceof Map<?, ?> m) return new JsonFields(where + ".", (Map<String, Object>) m);
        throw new JsonFieldException(where, "must be an object, found " + JsonReader.typeName(v));
    }

    private JsonFieldException wrongType(String key, String wanted, Object found) {
        return new JsonFieldException(path(key), "must be " + wanted + ", found " + JsonReader.typeName(found));
    }
}
