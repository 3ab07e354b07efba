package io.vhostpath.worker.stats;

import java.util.Locale;

/** The human-readable live line per port. */
public final class TextFormat {
    private TextFormat() {}

    public static String live(double elapsed, PortSnapshot p) {
        var sb = new StringBuilder(String.format(Locale.ROOT, "[%6.1fs] %-14s rx %7.3f Mpps %s | tx %7.3f Mpps %s | drop %d missed %d",
                elapsed, p.port(), p.rxMpps(), gbps(p.rxGbps(), p.total().rxPackets(), p.total().rxBytes()), p.txMpps(),
                gbps(p.txGbps(), p.total().txPackets(), p.total().txBytes()), p.intervalDropped(), p.total().rxMissed()));
        if (p.total().lost() != 0 || p.total().reordered() != 0) {
            sb.append(" lost ").append(p.total().lost()).append(" reord ").append(p.total().reordered());
        }
        if (!p.linkUp()) sb.append(" | LINK DOWN");
        Latency l = p.intervalLatency();
        if (l.count() > 0) {
            sb.append(String.format(Locale.ROOT, " | rtt p50 %s p99 %s p99.9 %s max %s",
                    micros(l.p50()), micros(l.p99()), micros(l.p999()), micros(l.max())));
        }
        return sb.toString();
    }

    /** Gbps, or "n/a" for a driver that counts packets and no bytes (net_null, net_ring). */
    private static String gbps(double gbps, long packets, long bytes) {
        return packets > 0 && bytes == 0 ? "  n/a Gbps" : String.format(Locale.ROOT, "%6.2f Gbps", gbps);
    }

    public static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1fus", nanos / 1000.0);
    }
}
