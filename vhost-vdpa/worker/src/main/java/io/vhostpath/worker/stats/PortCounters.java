package io.vhostpath.worker.stats;

/**
 * Cumulative counters of one port: the device's own ({@code rte_eth_stats}) and what the worker's engines
 * counted on the streams that receive from it (loss, reordering, foreign, probes in flight) or send to it (drops).
 */
public record PortCounters(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long txErrors,
                           long dropped, long allocFailures, long lost, long reordered, long foreign, long inFlight) {
    public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * Probes lost between {@code start} and this reading: sequence gaps, and the change in probes in flight (those
     * in flight at the start came back later; those still in flight now count as lost unless the run drained).
     */
    public long probesLostSince(PortCounters start) {
        return lost - start.lost + inFlight - start.inFlight;
    }
}
