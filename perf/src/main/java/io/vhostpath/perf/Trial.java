package io.vhostpath.perf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One trial of the tester: probes offered at a rate for a time, then a drain, and what came back. Loss counts every
 * probe sent in the window that did not return, by the tester's own count (a probe it could not hand to its port
 * counts too: the device did not take it). The tester itself falls short when it generated less than offered, or ran out of mbufs: such a
 * trial says nothing about the device.
 *
 * @param offeredPps   the rate asked of the generator, 0 for as fast as it goes
 * @param generatedPps what it generated over the window (sent and dropped)
 * @param sent         probes generated in the window
 * @param lost         of those, the ones that never came back
 */
record Trial(long offeredPps, int frameSize, double seconds, long sent, long lost, long allocFailures,
             double generatedPps, LatencyFigures latency) {
    /** Below this share of the offered rate the generator, not the device, set the pace. */
    static final double GENERATOR_TOLERANCE = 0.98;

    record LatencyFigures(long count, long p50, long p99, long p999, long max) {
        Map<String, Object> toMap() {
            var m = new LinkedHashMap<String, Object>();
            m.put("count", count);
            m.put("p50_ns", p50);
            m.put("p99_ns", p99);
            m.put("p99_9_ns", p999);
            m.put("max_ns", max);
            return m;
        }
    }

    /** A trial from the tester worker's summary (one port, latency mode). */
    static Trial of(long offeredPps, int frameSize, Map<String, Object> summary) {
        double seconds = WorkerRuns.number(summary, "measured_seconds");
        long sent = (long) WorkerRuns.number(summary, "probes_sent");
        long lost = (long) WorkerRuns.number(summary, "lost");
        var port = (Map<?, ?>) ((List<?>) summary.get("ports")).getFirst();
        var l = (Map<?, ?>) port.get("latency_ns");
        var latency = new LatencyFigures(n(l, "count"), n(l, "p50"), n(l, "p99"), n(l, "p99_9"), n(l, "max"));
        long allocFailures = (long) WorkerRuns.number(summary, "alloc_failures");
        return new Trial(offeredPps, frameSize, seconds, sent, lost, allocFailures, seconds > 0 ? sent / seconds : 0, latency);
    }

    private static long n(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    boolean generatorLimited() {
        return allocFailures > 0 || (offeredPps > 0 && generatedPps < offeredPps * GENERATOR_TOLERANCE);
    }

    double lossRatio() {
        return sent == 0 ? 1 : (double) lost / sent;
    }

    /** Within the acceptable loss, at the rate generated ({@link #mpps}), which a short generator kept below the rate asked. */
    boolean passes(double acceptableLoss) {
        return sent > 0 && allocFailures == 0 && lossRatio() <= acceptableLoss;
    }

    /** What the trial delivered without loss, as the device's figure: the generated rate. */
    double mpps() {
        return generatedPps / 1e6;
    }

    /** Layer 2 bits per second (frames without FCS, preamble and gap, as testpmd counts). */
    double gbps() {
        return generatedPps * frameSize * 8 / 1e9;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s offered, %.3f Mpps generated, %d sent, %d lost (%.4f%%)%s, rtt p50 %.1f us p99.9 %.1f us",
                offeredPps == 0 ? "as fast as possible" : String.format(Locale.ROOT, "%.3f Mpps", offeredPps / 1e6),
                mpps(), sent, lost, lossRatio() * 100, generatorLimited() ? ", GENERATOR-LIMITED" : "",
                latency.p50() / 1e3, latency.p999() / 1e3);
    }

    Map<String, Object> toMap() {
        var m = new LinkedHashMap<String, Object>();
        m.put("offered_pps", offeredPps);
        m.put("frame_size", frameSize);
        m.put("seconds", seconds);
        m.put("generated_pps", generatedPps);
        m.put("sent", sent);
        m.put("lost", lost);
        m.put("loss_ratio", lossRatio());
        m.put("generator_limited", generatorLimited());
        m.put("latency", latency.toMap());
        return m;
    }
}
