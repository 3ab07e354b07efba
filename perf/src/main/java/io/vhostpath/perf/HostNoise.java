package io.vhostpath.perf;

import io.vhostpath.text.Json;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The time this machine takes from a thread that never yields, as a polling thread never does: a spinner pinned to one
 * CPU (by {@code taskset}, in a JVM of its own) reads the clock back to back, and every gap of {@value #MIN_GAP_NS} ns
 * or more between two reads is time it did not run (interrupts, other tasks, the hypervisor). The gaps are kept as
 * total time per power-of-two length. A round trip or a loss that stalls of the host explain is the host's, not the
 * device's: the harness measures this on the CPUs of its trials and reports it beside them.
 *
 * @param gapTimeNs total time in gaps per gap length, keyed by the length rounded down to a power of two (ns)
 */
record HostNoise(int cpu, double seconds, long longestNs, TreeMap<Long, Long> gapTimeNs) {
    static final long MIN_GAP_NS = 8_192;

    /** The share of the time spent in gaps at least {@code ns} long (gaps in the power of two holding it not counted). */
    double shareInStallsOfAtLeast(long ns) {
        long floor = Long.highestOneBit(Math.max(ns - 1, 1)) << 1;
        return gapTimeNs.tailMap(Math.max(floor, MIN_GAP_NS)).values().stream().mapToLong(Long::longValue).sum() / (seconds * 1e9);
    }

    /** The share of the time the thread did not run at all (every gap). */
    double stalledShare() {
        return shareInStallsOfAtLeast(MIN_GAP_NS);
    }

    String describe() {
        return String.format(Locale.ROOT, "CPU %d stalled %.2f%% of %.0f s (%.3f%% in stalls >= 1 ms, longest %.2f ms)", cpu,
                stalledShare() * 100, seconds, shareInStallsOfAtLeast(1_000_000) * 100, longestNs / 1e6);
    }

    Map<String, Object> toMap() {
        var m = new LinkedHashMap<String, Object>();
        m.put("cpu", cpu);
        m.put("seconds", seconds);
        m.put("stalled_share", stalledShare());
        m.put("share_in_stalls_over_100us", shareInStallsOfAtLeast(100_000));
        m.put("share_in_stalls_over_1ms", shareInStallsOfAtLeast(1_000_000));
        m.put("longest_ns", longestNs);
        var gaps = new LinkedHashMap<String, Object>();
        gapTimeNs.forEach((floor, ns) -> gaps.put(Long.toString(floor), ns));
        m.put("gap_time_ns_by_length_floor", gaps);
        return m;
    }

    static HostNoise of(Map<String, Object> m) {
        var gaps = new TreeMap<Long, Long>();
        ((Map<?, ?>) m.get("gap_time_ns_by_length_floor")).forEach((k, v) -> gaps.put(Long.parseLong((String) k), ((Number) v).longValue()));
        return new HostNoise(((Number) m.get("cpu")).intValue(), ((Number) m.get("seconds")).doubleValue(),
                ((Number) m.get("longest_ns")).longValue(), gaps);
    }

    /** The longest stall any of {@code cpus} saw. */
    static long longestNs(List<HostNoise> cpus) {
        return cpus.stream().mapToLong(HostNoise::longestNs).max().orElse(0);
    }

    /** Probes {@code cpus} for {@code seconds} (none when 0) and prints what each lost to the host. */
    static List<HostNoise> measureAndPrint(List<Integer> cpus, double seconds) throws IOException, InterruptedException {
        if (seconds == 0) return List.of();
        System.out.printf(Locale.ROOT, "host noise: a pinned spinner per CPU for %.0f s ...%n", seconds);
        var noise = measure(cpus, seconds);
        for (HostNoise n : noise) System.out.println("  " + n.describe());
        return noise;
    }

    static List<Map<String, Object>> toMaps(List<HostNoise> noise) {
        return noise.stream().map(HostNoise::toMap).toList();
    }

    /** Probes {@code cpus} at once for {@code seconds}, one pinned JVM each. */
    static List<HostNoise> measure(List<Integer> cpus, double seconds) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        var probes = new ArrayList<Process>();
        for (int cpu : cpus) {
            probes.add(new ProcessBuilder("taskset", "-c", Integer.toString(cpu), java, "-XX:+UseSerialGC", "-cp", classpath,
                    HostNoise.class.getName(), Integer.toString(cpu), Double.toString(seconds)).redirectErrorStream(true).start());
        }
        var result = new ArrayList<HostNoise>();
        for (int i = 0; i < probes.size(); i++) {
            Process p = probes.get(i);
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) throw new IOException("the host noise probe on CPU " + cpus.get(i) + " failed: " + out);
            result.add(of(JsonReader.parseObject(out.substring(out.lastIndexOf('\n') + 1))));
        }
        return result;
    }

    /** The probe itself, run pinned by {@link #measure}: {@code HostNoise CPU SECONDS} prints one JSON line. */
    public static void main(String[] args) {
        int cpu = Integer.parseInt(args[0]);
        double seconds = Double.parseDouble(args[1]);
        spin(0.5, new TreeMap<>());
        var gaps = new TreeMap<Long, Long>();
        long longest = spin(seconds, gaps);
        System.out.println(Json.write(new HostNoise(cpu, seconds, longest, gaps).toMap()));
    }

    /** Reads the clock back to back for {@code seconds}, adding each gap's time to its power of two; returns the longest. */
    private static long spin(double seconds, TreeMap<Long, Long> gaps) {
        long[] byLog2 = new long[64];
        long longest = 0;
        long last = System.nanoTime();
        long end = last + (long) (seconds * 1e9);
        while (last < end) {
            long now = System.nanoTime();
            long gap = now - last;
            if (gap >= MIN_GAP_NS) {
                byLog2[63 - Long.numberOfLeadingZeros(gap)] += gap;
                longest = Math.max(longest, gap);
            }
            last = now;
        }
        for (int b = 0; b < 64; b++) if (byLog2[b] > 0) gaps.put(1L << b, byLog2[b]);
        return longest;
    }
}
