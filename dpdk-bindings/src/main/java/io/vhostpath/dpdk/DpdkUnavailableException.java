package io.vhostpath.dpdk;

/** DPDK (or vhostpath's shim for it) cannot be loaded in this process: the message says what to install. */
public final class DpdkUnavailableException extends RuntimeException {
    DpdkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
