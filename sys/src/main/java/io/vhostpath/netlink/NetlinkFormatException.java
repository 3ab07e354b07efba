package io.vhostpath.netlink;

/** Bytes that are not a well-formed netlink message: what was wrong, and where. */
public final class NetlinkFormatException extends RuntimeException {
    public NetlinkFormatException(String message) {
        super(message);
    }
}
