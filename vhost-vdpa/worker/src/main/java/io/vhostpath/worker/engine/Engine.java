package io.vhostpath.worker.engine;

/**
 * A forwarding mode for one stream, polled by its agent. {@link #poll()} must not allocate, log or throw:
 * it returns how many packets it handled (0 tells the idle strategy there was nothing to do).
 */
public interface Engine extends AutoCloseable {
    int poll();

    /** Runs once on the polling thread before the first poll (e.g. to seed a forwarding loop). */
    default void start() {}

    /** Returns every mbuf the engine still holds to its pool (on the polling thread, after the last poll). */
    @Override
    void close();
}
