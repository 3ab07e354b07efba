package io.vhostpath.netlink;

import io.vhostpath.sys.Libc;
import io.vhostpath.sys.NativeError;

/**
 * The kernel refused a netlink request: the operation (e.g. {@code vdpa dev add name=vdpa0}), errno, and the
 * kernel's extended-ack text when it gave one.
 */
public final class NetlinkException extends NativeError {
    private final String kernelMessage;

    public NetlinkException(String operation, int errno, String kernelMessage) {
        super(errno, operation, operation + " failed: errno=" + errno + " (" + Libc.strerror(errno) + ")"
                + (kernelMessage == null ? "" : ": kernel says \"" + kernelMessage + "\""));
        this.kernelMessage = kernelMessage;
    }

    /** The extended-ack message, or null. */
    public String kernelMessage() { return kernelMessage; }
}
