package io.vhostpath.vdpa;

import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.netlink.NetlinkFormatException;
import io.vhostpath.sys.NativeError;
import io.vhostpath.vdpa.sysfs.SysfsException;

/**
 * Every way provisioning can fail, as one sealed hierarchy: a caller maps each case exhaustively (the CNI plugin
 * to the spec's error codes, a controller to conditions). Each names the device it was about.
 */
public abstract sealed class ProvisioningException extends RuntimeException {
    private final String device;

    private ProvisioningException(String device, String message, Throwable cause) {
        super(message, cause);
        this.device = device;
    }

    /** The vDPA device (or management device) the failure is about. */
    public String device() { return device; }

    /** A system call failed: which call, errno. */
    public static final class Syscall extends ProvisioningException {
        private final String call;
        private final int errno;

        Syscall(String device, NativeError e) {
            super(device, e.getMessage(), e);
            this.call = e.call();
            this.errno = e.errno();
        }

        public String call() { return call; }
        public int errno() { return errno; }
    }

    /** The kernel refused a netlink request: the operation, errno, and the kernel's extended-ack text (or null). */
    public static final class KernelRefused extends ProvisioningException {
        private final int errno;
        private final String kernelMessage;

        KernelRefused(String device, NetlinkException e) {
            super(device, e.getMessage(), e);
            this.errno = e.errno();
            this.kernelMessage = e.kernelMessage();
        }

        public int errno() { return errno; }
        public String kernelMessage() { return kernelMessage; }
    }

    /** The kernel's reply did not parse: a bug on one side, never retried. */
    public static final class MalformedReply extends ProvisioningException {
        MalformedReply(String device, NetlinkFormatException e) {
            super(device, e.getMessage(), e);
        }
    }

    /** sysfs or /dev is not in the state it must be: a driver not loaded, a missing or wrong node, a failed bind. */
    public static final class SysfsState extends ProvisioningException {
        SysfsState(String device, SysfsException e) {
            super(device, e.getMessage(), e);
        }
    }

    /** No such vDPA device or management device. */
    public static final class NotFound extends ProvisioningException {
        NotFound(String device, String message) {
            super(device, message, null);
        }
    }

    /** A device of that name exists and differs from what was asked: the fields that differ are in the message. */
    public static final class Conflict extends ProvisioningException {
        Conflict(String device, String message) {
            super(device, message, null);
        }
    }

    /** The kernel offers no way to make this change on a live device. */
    public static final class Unsupported extends ProvisioningException {
        Unsupported(String device, String message) {
            super(device, message, null);
        }
    }
}
