package io.vhostpath.worker.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A snapshot as JSON (for {@code /stats} and summary files) and as Prometheus text exposition (for {@code /metrics}). */
public final class SnapshotFormats {
    private SnapshotFormats() {}

    public static Map<String, Object> toMap(Snapshot s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("elapsed_seconds", s.elapsedSeconds());
        m.put("mode", s.mode());
        m.put("healthy", s.healthy());
        m.put("ports", s.ports().stream().map(SnapshotFormats::portMap).toList());
        return m;
    }

    private static Map<String, Object> portMap(PortSnapshot p) {
        var m = new LinkedHashMap<String, Object>();
        var t = p.total();
        m.put("port", p.port());
        m.put("link_up", p.linkUp());
        m.put("rx_packets", t.rxPackets());
        m.put("tx_packets", t.txPackets());
        m.put("rx_bytes", t.rxBytes());
        m.put("tx_bytes", t.txBytes());
        m.put("rx_missed", t.rxMissed());
        m.put("tx_errors", t.txErrors());
        m.put("dropped", t.dropped());
        m.put("alloc_failures", t.allocFailures());
        m.put("lost", t.lost());
        m.put("reordered", t.reordered());
        m.put("foreign", t.foreign());
        m.put("rx_mpps", p.rxMpps());
        m.put("tx_mpps", p.txMpps());
        m.put("rx_gbps", p.rxGbps());
        m.put("tx_gbps", p.txGbps());
        m.put("latency_ns", latencyMap(p.totalLatency()));
        return m;
    }

    public static Map<String, Object> latencyMap(Latency l) {
        var m = new LinkedHashMap<String, Object>();
        m.put("count", l.count());
        m.put("p50", l.p50());
        m.put("p90", l.p90());
        m.put("p99", l.p99());
        m.put("p99_9", l.p999());
        m.put("max", l.max());
        m.put("mean", l.mean());
        return m;
    }

    public static String prometheus(Snapshot s) {
        var sb = new StringBuilder();
        List<PortSnapshot> ports = s.ports();
        counter(sb, "vhostpath_port_rx_packets_total", "Packets received by the port (rte_eth_stats ipackets).", ports, p -> p.total().rxPackets());
        counter(sb, "vhostpath_port_tx_packets_total", "Packets sent by the port (rte_eth_stats opackets).", ports, p -> p.total().txPackets());
        counter(sb, "vhostpath_port_rx_bytes_total", "Bytes received by the port.", ports, p -> p.total().rxBytes());
        counter(sb, "vhostpath_port_tx_bytes_total", "Bytes sent by the port.", ports, p -> p.total().txBytes());
        counter(sb, "vhostpath_port_rx_missed_total", "Packets the device dropped because RX was full (imissed).", ports, p -> p.total().rxMissed());
        counter(sb, "vhostpath_port_tx_errors_total", "Failed transmissions (oerrors).", ports, p -> p.total().txErrors());
        counter(sb, "vhostpath_dropped_total", "Packets the worker freed unsent (TX full after retries).", ports, p -> p.total().dropped());
        counter(sb, "vhostpath_probe_lost_total", "Probe sequence numbers never received.", ports, p -> p.total().lost());
        counter(sb, "vhostpath_probe_reordered_total", "Probes received after a later one.", ports, p -> p.total().reordered());
        gauge(sb, "vhostpath_port_link_up", "1 while the port's link is up (virtio_user: its backend is there).", ports,
                p -> p.linkUp() ? 1 : 0);
        gauge(sb, "vhostpath_port_rx_pps", "Receive rate over the last stats interval.", ports, p -> p.rxMpps() * 1e6);
        gauge(sb, "vhostpath_port_tx_pps", "Send rate over the last stats interval.", ports, p -> p.txMpps() * 1e6);
        sb.append("# HELP vhostpath_rtt_seconds Probe round trip since start (latency mode).\n");
        sb.append("# TYPE vhostpath_rtt_seconds summary\n");
        for (PortSnapshot p : ports) {
            Latency l = p.totalLatency();
            if (l.count() == 0) continue;
            quantile(sb, p.port(), "0.5", l.p50());
            quantile(sb, p.port(), "0.9", l.p90());
            quantile(sb, p.port(), "0.99", l.p99());
            quantile(sb, p.port(), "0.999", l.p999());
            quantile(sb, p.port(), "1", l.max());
            sb.append("vhostpath_rtt_seconds_count{port=\"").append(p.port()).append("\"} ").append(l.count()).append('\n');
            sb.append("vhostpath_rtt_seconds_sum{port=\"").append(p.port()).append("\"} ")
                    .append(fmt(l.mean() * l.count() / 1e9)).append('\n');
        }
        sb.append("# HELP vhostpath_up 1 while every polling thread runs and every port's link is up.\n# TYPE vhostpath_up gauge\nvhostpath_up ")
                .append(s.healthy() ? 1 : 0).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, List<PortSnapshot> ports,
                                java.util.function.ToLongFunction<PortSnapshot> f) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        for (PortSnapshot p : ports) sb.append(name).append("{port=\"").append(p.port()).append("\"} ").append(f.applyAsLong(p)).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, List<PortSnapshot> ports,
                              java.util.function.ToDoubleFunction<PortSnapshot> f) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n");
        for (PortSnapshot p : ports) sb.append(name).append("{port=\"").append(p.port()).append("\"} ").append(fmt(f.applyAsDouble(p))).append('\n');
    }

    private static void quantile(StringBuilder sb, String port, String q, long nanos) {
        sb.append("vhostpath_rtt_seconds{port=\"").append(port).append("\",quantile=\"").append(q).append("\"} ")
                .append(fmt(nanos / 1e9)).append('\n');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
