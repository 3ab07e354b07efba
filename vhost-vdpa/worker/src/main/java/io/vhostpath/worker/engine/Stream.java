package io.vhostpath.worker.engine;

/**
 * One forwarding direction, as testpmd calls it: receive on {@code rxPort}/{@code rxQueue}, send on
 * {@code txPort}/{@code txQueue}. Read-only; its counters live apart in {@link StreamCounters}.
 */
public record Stream(int index, int rxPort, int rxQueue, int txPort, int txQueue) {
    @Override
    public String toString() {
        return "stream " + index + " (port " + rxPort + " q" + rxQueue + " -> port " + txPort + " q" + txQueue + ")";
    }
}
