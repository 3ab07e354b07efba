package io.vhostpath.perf;

import io.vhostpath.perf.CommandLine.UsageException;
import io.vhostpath.text.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code make latency}: the round trip a reflector adds, C against Java, on the same probe. The tester (a vhostpath
 * worker in latency mode, CPU 0) is the same for both; the device under test, on CPU 1 behind a vhost-user socket, is
 * testpmd in macswap or the vhostpath worker in macswap, started afresh for each trial and alternating. Loads: an
 * unloaded 0.1 Mpps, then shares of the zero-loss rate, searched with testpmd as the device unless given. Per load and
 * device the median over rounds of each percentile, the ratio Java/C, and the paired p99.9 ratios with their spread.
 */
public final class LatencyVsC {
    private static final int TESTER_CPU = 0, DUT_CPU = 1;

    record Options(List<String> loads, long basePps, double baseLoss, int rounds, double trialSeconds, double warmupSeconds,
                   int frameSize, double noiseSeconds, Path out, Path workerJar) {
        static final String USAGE = """
                usage: latency [--loads 0.1M,10%,50%,90%] [--base PPS] [--base-loss RATIO] [--rounds N] [--trial S]
                               [--warmup S] [--size B] [--noise S] [--out FILE] [--worker-jar JAR]
                  --loads   offered loads: packets/s (100000, 0.1M) or a share of the zero-loss rate (50%)
                  --base    the zero-loss rate the shares are of; by default RFC 2544's search with testpmd as device,
                            accepting --base-loss (default 0)
                  --rounds  trials per load and device, alternating testpmd and java (default 3)
                  --trial   measured seconds per trial (default 5) after --warmup seconds (2)
                  --noise   seconds of a pinned spinner on both CPUs first (default 5, 0: none): the share of time the
                            host takes from a polling thread; a p99.9 within its longest stall is marked as such
                """;

        static Options parse(String[] args) {
            var o = new Object() {
                List<String> loads = List.of("0.1M", "10%", "50%", "90%");
                long base;
                int rounds = 3, size = 64;
                double trial = 5, warmup = 2, baseLoss = 0, noise = 5;
                Path out = Path.of("perf/target/latency.json"), jar = Path.of("vhost-vdpa/worker/target/vhostpath-worker.jar");
            };
            CommandLine.parse(args, (name, v) -> {
                switch (name) {
                    case "--loads" -> o.loads = List.of(v.split(","));
                    case "--base" -> o.base = Long.parseLong(v);
                    case "--base-loss" -> o.baseLoss = Double.parseDouble(v);
                    case "--noise" -> o.noise = Double.parseDouble(v);
                    case "--rounds" -> o.rounds = Integer.parseInt(v);
                    case "--trial" -> o.trial = Double.parseDouble(v);
                    case "--warmup" -> o.warmup = Double.parseDouble(v);
                    case "--size" -> o.size = Integer.parseInt(v);
                    case "--out" -> o.out = Path.of(v);
                    case "--worker-jar" -> o.jar = Path.of(v);
                    default -> throw new UsageException("unknown option " + name);
                }
            });
            for (String load : o.loads) rate(load, 1_000_000);
            if (o.rounds < 1 || o.trial <= 0 || o.warmup < 0 || o.noise < 0) throw new UsageException("--rounds and --trial must be positive, --warmup and --noise not negative");
            if (o.baseLoss < 0 || o.baseLoss >= 1) throw new UsageException("--base-loss " + o.baseLoss + " must be in [0, 1)");
            if (o.size < 60 || o.size > 9000) throw new UsageException("--size " + o.size + " is outside 60..9000");
            if (!Files.isRegularFile(o.jar)) throw new UsageException("no worker jar at " + o.jar + ": run make build (or give --worker-jar)");
            return new Options(o.loads, o.base, o.baseLoss, o.rounds, o.trial, o.warmup, o.size, o.noise, o.out, o.jar);
        }
    }

    /** A load as packets/s: {@code 250000}, {@code 0.1M}, or {@code 50%} of {@code basePps}. */
    static long rate(String load, long basePps) {
        try {
            if (load.endsWith("%")) {
                double pct = Double.parseDouble(load.substring(0, load.length() - 1));
                if (pct <= 0 || pct > 100) throw new UsageException("load " + load + " is not a share in (0, 100]%");
                return Math.round(basePps * pct / 100);
            }
            double pps = load.endsWith("M") ? Double.parseDouble(load.substring(0, load.length() - 1)) * 1e6 : Double.parseDouble(load);
            if (pps <= 0) throw new UsageException("load " + load + " must be positive");
            return Math.round(pps);
        } catch (NumberFormatException e) {
            throw new UsageException("load '" + load + "' is neither packets/s (250000, 0.1M) nor a share (50%)");
        }
    }

    public static void main(String[] args) {
        CommandLine.run("latency", Options.USAGE, args, Options::parse, LatencyVsC::run);
    }

    static int run(Options o) throws Exception {
        var bench = Bench.open(o.out(), "latency-logs", o.workerJar());
        var tester = new Tester(bench.workers(), TESTER_CPU, o.warmupSeconds(), o.trialSeconds(), 0.5, List.of());
        System.out.printf(Locale.ROOT, "tester: vhostpath worker, latency mode, CPU 0, %d-byte frames; devices on CPU 1 behind"
                + " vhost-user, macswap: testpmd and java, alternating, %d rounds; trials of %.1f s after %.1f s warm-up%n",
                o.frameSize(), o.rounds(), o.trialSeconds(), o.warmupSeconds());
        var noise = HostNoise.measureAndPrint(List.of(TESTER_CPU, DUT_CPU), o.noiseSeconds());
        long base = o.basePps();
        if (base == 0 && o.loads().stream().anyMatch(l -> l.endsWith("%"))) {
            System.out.println("zero-loss rate of testpmd as the device (RFC 2544 search):");
            try (Dut dut = Dut.TestpmdMacswap.start(bench.workers(), "search-testpmd", DUT_CPU, o.frameSize())) {
                var outcome = new ThroughputSearch(o.baseLoss(), 0.02, 10).search(rate -> tester.trial(dut, rate, o.frameSize()),
                        line -> System.out.println("  " + line));
                base = outcome.zeroLossPps();
            }
            if (base == 0) throw new IllegalStateException("testpmd lost probes at every rate tried: no zero-loss rate to take shares of");
            System.out.printf(Locale.ROOT, "  zero-loss rate %.3f Mpps%n", base / 1e6);
        }
        var results = new ArrayList<Map<String, Object>>();
        for (String load : o.loads()) {
            long rate = rate(load, base);
            System.out.printf(Locale.ROOT, "%nload %s = %.3f Mpps%n", load, rate / 1e6);
            var c = new ArrayList<Trial>();
            var java = new ArrayList<Trial>();
            var cLogs = new ArrayList<String>();
            var javaLogs = new ArrayList<String>();
            for (int r = 1; r <= o.rounds(); r++) {
                try (Dut dut = Dut.TestpmdMacswap.start(bench.workers(), "dut-testpmd", DUT_CPU, o.frameSize())) {
                    c.add(tester.trial(dut, rate, o.frameSize()));
                    cLogs.add(tester.latestTrial() + ".hlog");
                }
                try (Dut dut = Dut.WorkerMacswap.start(bench.workers(), "dut-java", DUT_CPU, o.frameSize())) {
                    java.add(tester.trial(dut, rate, o.frameSize()));
                    javaLogs.add(tester.latestTrial() + ".hlog");
                }
                System.out.printf(Locale.ROOT, "  round %d  testpmd: %s%n           java:    %s%n", r, c.getLast().describe(), java.getLast().describe());
            }
            results.add(load(load, rate, c, java, cLogs, javaLogs, noise));
        }
        System.out.println();
        System.out.println("load        Mpps   device   p50 us   p99 us  p99.9 us   max us   lost   p99.9 java/C (paired spread)");
        for (var m : results) {
            for (String who : List.of("testpmd", "java")) {
                @SuppressWarnings("unchecked") var f = (Map<String, Object>) m.get(who);
                System.out.printf(Locale.ROOT, "%-10s %6.3f   %-7s %7.1f  %7.1f  %8.1f  %7.1f  %5d   %s%n", m.get("load"),
                        (double) (long) m.get("offered_pps") / 1e6, who, us(f, "p50_ns"), us(f, "p99_ns"), us(f, "p99_9_ns"),
                        us(f, "max_ns"), (long) f.get("lost"), who.equals("java") ? m.get("verdict") : "");
            }
        }
        var doc = new LinkedHashMap<String, Object>();
        doc.put("machine", bench.machine().toMap());
        doc.put("frame_size", o.frameSize());
        doc.put("rounds", o.rounds());
        doc.put("trial_seconds", o.trialSeconds());
        doc.put("zero_loss_pps", base);
        doc.put("host_noise", HostNoise.toMaps(noise));
        doc.put("hdr_log_dir", bench.work().getFileName().toString());
        doc.put("loads", results);
        Files.writeString(o.out(), Json.write(doc) + "\n");
        System.out.println("wrote " + o.out() + " (HdrHistogram logs in " + bench.work() + ")");
        return 0;
    }

    private static double us(Map<String, Object> figures, String key) {
        return ((Number) figures.get(key)).doubleValue() / 1e3;
    }

    private static Map<String, Object> load(String load, long rate, List<Trial> c, List<Trial> java, List<String> cLogs,
                                            List<String> javaLogs, List<HostNoise> noise) {
        var m = new LinkedHashMap<String, Object>();
        m.put("load", load);
        m.put("offered_pps", rate);
        m.put("testpmd", medians(c, cLogs));
        m.put("java", medians(java, javaLogs));
        var ratios = new ArrayList<Double>();
        for (int r = 0; r < c.size(); r++) ratios.add((double) c.get(r).latency().p999() / java.get(r).latency().p999());
        var paired = PairedRatios.of("p99.9 testpmd/java", "java", ratios);
        double javaOverC = (double) medianOf(java, t -> t.latency().p999()) / medianOf(c, t -> t.latency().p999());
        m.put("p99_9_java_over_testpmd", javaOverC);
        m.put("p99_9_paired_ratios", paired.ratios());
        m.put("p50_java_over_testpmd", (double) medianOf(java, t -> t.latency().p50()) / medianOf(c, t -> t.latency().p50()));
        // A p99.9 no longer than the stalls the host inflicts on a pinned thread may be nothing but such a stall: a
        // probe that reaches a descheduled reflector waits for it to run again.
        long p999 = Math.min(medianOf(java, t -> t.latency().p999()), medianOf(c, t -> t.latency().p999()));
        long stall = HostNoise.longestNs(noise);
        m.put("p99_9_within_host_stalls", p999 <= stall);
        String hostNote = p999 <= stall ? String.format(Locale.ROOT, "; p99.9 within the host's stalls (up to %.1f ms on a"
                + " pinned thread): not the devices'", stall / 1e6) : "";
        m.put("verdict", String.format(Locale.ROOT, "%.2f; %s%s", javaOverC, paired.verdict(), hostNote));
        return m;
    }

    private static Map<String, Object> medians(List<Trial> trials, List<String> hdrLogs) {
        var m = new LinkedHashMap<String, Object>();
        m.put("p50_ns", medianOf(trials, t -> t.latency().p50()));
        m.put("p99_ns", medianOf(trials, t -> t.latency().p99()));
        m.put("p99_9_ns", medianOf(trials, t -> t.latency().p999()));
        m.put("max_ns", medianOf(trials, t -> t.latency().max()));
        m.put("lost", trials.stream().mapToLong(Trial::lost).sum());
        m.put("generator_limited_trials", trials.stream().filter(Trial::generatorLimited).count());
        m.put("trials", trials.stream().map(Trial::toMap).toList());
        m.put("hdr_logs", hdrLogs);
        return m;
    }

    private static long medianOf(List<Trial> trials, ToLongFunction<Trial> f) {
        return Math.round(SideBySide.median(trials.stream().map(t -> (double) f.applyAsLong(t)).toList()));
    }
}
