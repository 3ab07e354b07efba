package io.vhostpath.ovsdb;

/** An OVSDB server that cannot be reached, or that refused a transaction (its {@code error} and {@code details}). */
public final class OvsdbException extends RuntimeException {
    private final boolean unreachable;

    private OvsdbException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    static OvsdbException unreachable(String message, Throwable cause) {
        return new OvsdbException(message, true, cause);
    }

    static OvsdbException refused(String message) {
        return new OvsdbException(message, false, null);
    }

    /** True when the server could not be reached at all (no socket, connection refused, closed mid-reply). */
    public boolean unreachable() {
        return unreachable;
    }
}
