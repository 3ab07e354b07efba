package io.vhostpath.worker.stats;

/**
 * One port at the end of a stats interval: link state, totals since start, rates over the interval, and latency
 * over the interval and since start. Gbps count Ethernet frame bytes as the device reports them (no FCS,
 * preamble or gap); drivers that count no bytes (net_null) show 0.
 *
 * @param linkUp the link as the driver reports it; virtio_user reports down once its vhost-user backend is gone
 */
public record PortSnapshot(String port, boolean linkUp, PortCounters total, double rxMpps, double txMpps, double rxGbps,
                           double txGbps, long intervalDropped, Latency intervalLatency, Latency totalLatency) {
}
