package io.vhostpath.worker.stats;

/**
 * Cumulative counters of one port: the device's own ({@code rte_eth_stats}) and what the worker's engines
 * counted on the streams that receive from it (loss, reordering, foreign, the measured window's probes) or send to
 * it (drops).
 */
public record PortCounters(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long txErrors,
                           long dropped, long allocFailures, long lost, long reordered, long foreign, long windowSent,
                           long windowLost) {
    public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
