package io.vhostpath.worker.engine;

/**
 * The run's clock as its generators see it. When the measured window opens, each generating stream starts counting
 * the probes it sends and those of them that come back, from its next sequence number on: its own snapshot, taken
 * on its own thread, so the window's loss is exact. When sending stops, what is still in flight has a drain period
 * to come back (RFC 2544 waits for the same reason). Read once per poll; each flag written once, by the thread that
 * runs the clock.
 */
public final class ProbeWindow {
    private volatile boolean open;
    private volatile boolean sending = true;

    public void open() {
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    public void stopSending() {
        sending = false;
    }

    public boolean sending() {
        return sending;
    }
}
