package io.vhostpath.worker.stats;

import org.HdrHistogram.Histogram;

/** Round-trip percentiles in nanoseconds; {@code count == 0} when nothing was measured. */
public record Latency(long count, long p50, long p90, long p99, long p999, long max, double mean) {
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0, 0);

    public static Latency of(Histogram h) {
        if (h.getTotalCount() == 0) return NONE;
        return new Latency(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean());
    }
}
