package io.vhostpath.cni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the runtime must see as the spec's error document: {@code {cniVersion, code, msg, details}} on stdout
 * and a non-zero exit. {@code msg} names the field or device; {@code details} carries errno or kernel text.
 */
public final class CniError extends RuntimeException {
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENV = 4;
    public static final int IO = 5;
    public static final int DECODE = 6;
    public static final int INVALID_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int NOT_AVAILABLE = 50;
    public static final int NOT_AVAILABLE_LIMITED = 51;
    public static final int INTERNAL = 999;

    private final int code;
    private final String details;

    public CniError(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public CniError(int code, String msg) {
        this(code, msg, "");
    }

    public static CniError config(String field, String problem) {
        return new CniError(INVALID_CONFIG, "network config field '" + field + "': " + problem);
    }

    public static CniError env(String variable, String problem) {
        return new CniError(INVALID_ENV, "environment variable " + variable + ": " + problem);
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    public Map<String, Object> toDocument(String cniVersion) {
        var m = new LinkedHashMap<String, Object>();
        m.put("cniVersion", cniVersion);
        m.put("code", code);
        m.put("msg", getMessage());
        if (!details.isEmpty()) m.put("details", details);
        return m;
    }
}
