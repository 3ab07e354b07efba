package io.vhostpath.node;

import io.vhostpath.sys.NativeError;

/**
 * Something the agent could not do or found wrong, for the status: what it concerns (a PF, VF, vDPA device or
 * policy), the kernel's errno when there is one (0 otherwise), and a message naming both.
 */
public record Problem(String subject, int errno, String message) {
    public static Problem of(String subject, String message) {
        return new Problem(subject, 0, message);
    }

    /** A failed step: the errno of the system call or netlink request under it, if any. */
    public static Problem of(String subject, RuntimeException failure) {
        return new Problem(subject, errnoOf(failure), failure.getMessage());
    }

    private static int errnoOf(Throwable t) {
        for (; t != null; t = t.getCause()) {
            if (t instanceof NativeError n) return n.errno(); // netlink refusals too
        }
        return 0;
    }
}
