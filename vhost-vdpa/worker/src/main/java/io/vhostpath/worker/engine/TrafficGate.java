package io.vhostpath.worker.engine;

/**
 * Lets the generators of a run send until the run closes it: what is still in flight then has a drain period
 * to come back, so that loss is counted over every probe sent (RFC 2544 waits for the same reason). Read once
 * per generated burst; written once, by the thread that runs the clock.
 */
public final class TrafficGate {
    private volatile boolean open = true;

    public boolean open() {
        return open;
    }

    public void close() {
        open = false;
    }
}
