package io.vhostpath.worker.stats;

/**
 * One port at the end of a stats interval: totals since start, rates over the interval, and latency over
 * the interval and since start. Gbps count Ethernet frame bytes as the device reports them (no FCS,
 * preamble or gap); drivers that count no bytes (net_null) show 0.
 */
public record PortSnapshot(String port, PortCounters total, double rxMpps, double txMpps, double rxGbps, double txGbps,
                           long intervalDropped, Latency intervalLatency, Latency totalLatency) {
}
