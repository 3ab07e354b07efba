package io.vhostpath.dpdk;

/**
 * The wait for {@code rte_eal_init} ended before it returned: its caller was interrupted (a stop request) or
 * the start-up time ran out. EAL is still starting on its own thread and cannot be stopped, so the process
 * should clean up what it knows of (the runtime directory) and exit.
 */
public final class EalStartAbandonedException extends RuntimeException {
    EalStartAbandonedException(String message, Throwable cause) {
        super(message, cause);
    }
}
