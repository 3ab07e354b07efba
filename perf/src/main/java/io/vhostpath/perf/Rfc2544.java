package io.vhostpath.perf;

import io.vhostpath.text.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vhostpath.perf.CommandLine.UsageException;

/**
 * {@code make rfc2544}: the zero-loss throughput of a device, per frame size, by RFC 2544's binary search, then the
 * round trip at 10, 50 and 90% of it. The tester is a vhostpath worker in latency mode on one CPU; the device is
 * whatever its ports reach ({@code --port}, e.g. a vDPA device's {@code vhost-vdpa:/dev/vhost-vdpa-0}, which the
 * simulator loops back), or a reflector the harness starts on a vhost-user socket ({@code --dut testpmd|java}).
 * Progress is printed per trial; the result is written as JSON, with each trial's logs and HdrHistogram log beside it.
 */
public final class Rfc2544 {
    static final List<Integer> RFC_SIZES = List.of(64, 128, 256, 512, 1024, 1280, 1518);

    record Options(String dut, List<String> ports, List<Integer> sizes, double trialSeconds, double warmupSeconds,
                   double drainSeconds, double loss, double resolution, int maxTrials, List<Integer> loads, int testerCpu,
                   int dutCpu, List<String> portOptions, double noiseSeconds, Path out, Path workerJar) {
        static final String USAGE = """
                usage: rfc2544 [--dut testpmd|java|external] [--port SPEC]... [--sizes 64,128,...|rfc] [--trial S]
                               [--warmup S] [--drain S] [--loss RATIO] [--resolution R] [--max-trials N]
                               [--loads 10,50,90] [--tester-cpu N] [--dut-cpu N] [--dst-mac MAC] [--descriptors N]
                               [--noise S] [--out FILE] [--worker-jar JAR]
                  --dut      testpmd (default without --port) or java: a macswap reflector on a vhost-user socket the
                             harness serves; external (default with --port): the device the tester's ports reach
                  --port     the tester's port, as the worker takes it (vhost-vdpa:/dev/vhost-vdpa-N, vhost-user:PATH,
                             af_packet:IFACE, ...), repeatable; each port's probes come back on that port
                  --sizes    frame sizes in bytes without FCS (default 64; rfc = 64,128,256,512,1024,1280,1518; up to 9000)
                  --trial    measured seconds per trial (default 5), after --warmup seconds (2) at the same rate,
                             then --drain seconds (0.5) for probes in flight
                  --loss     acceptable loss ratio (default 0: none); --resolution: stop when the bracket is narrower
                             than this share of its top (0.02); --max-trials per size (12)
                  --loads    latency trials at these percentages of the throughput found (default 10,50,90)
                  --dst-mac  destination MAC of the probes (default: the worker's): a device that filters on its own
                             MAC, like vdpa_sim_net, returns only frames sent to it
                  --descriptors  the tester's ring size (default: the worker's); vdpa_sim_net takes at most 256
                  --noise    seconds of a pinned spinner on the tester's and the device's CPUs first (default 5, 0: none):
                             the share of time the host takes from a polling thread, reported beside the figures
                """;

        static Options parse(String[] args) {
            var o = new Object() {
                String dut;
                final List<String> ports = new ArrayList<>();
                List<Integer> sizes = List.of(64), loads = List.of(10, 50, 90);
                double trial = 5, warmup = 2, drain = 0.5, loss = 0, resolution = 0.02, noise = 5;
                int maxTrials = 12, testerCpu = 0, dutCpu = 1;
                final List<String> portOptions = new ArrayList<>();
                Path out = Path.of("perf/target/rfc2544.json"), jar = Path.of("vhost-vdpa/worker/target/vhostpath-worker.jar");
            };
            CommandLine.parse(args, (name, v) -> {
                switch (name) {
                    case "--dut" -> o.dut = v;
                    case "--port" -> o.ports.add(v);
                    case "--sizes" -> o.sizes = v.equals("rfc") ? RFC_SIZES : CommandLine.ints(v);
                    case "--trial" -> o.trial = Double.parseDouble(v);
                    case "--warmup" -> o.warmup = Double.parseDouble(v);
                    case "--drain" -> o.drain = Double.parseDouble(v);
                    case "--loss" -> o.loss = Double.parseDouble(v);
                    case "--noise" -> o.noise = Double.parseDouble(v);
                    case "--resolution" -> o.resolution = Double.parseDouble(v);
                    case "--max-trials" -> o.maxTrials = Integer.parseInt(v);
                    case "--loads" -> o.loads = CommandLine.ints(v);
                    case "--tester-cpu" -> o.testerCpu = Integer.parseInt(v);
                    case "--dut-cpu" -> o.dutCpu = Integer.parseInt(v);
                    case "--dst-mac", "--descriptors" -> o.portOptions.addAll(List.of(name, v));
                    case "--out" -> o.out = Path.of(v);
                    case "--worker-jar" -> o.jar = Path.of(v);
                    default -> throw new UsageException("unknown option " + name);
                }
            });
            if (o.dut == null) o.dut = o.ports.isEmpty() ? "testpmd" : "external";
            if (!List.of("testpmd", "java", "external").contains(o.dut)) throw new UsageException("--dut " + o.dut + " is not testpmd, java or external");
            if (o.dut.equals("external") && o.ports.isEmpty()) throw new UsageException("--dut external needs the tester's --port");
            if (!o.dut.equals("external") && !o.ports.isEmpty()) throw new UsageException("--port names an external device; drop --dut " + o.dut);
            for (int s : o.sizes) if (s < 60 || s > 9000) throw new UsageException("--sizes " + s + " is outside 60..9000 (bytes without FCS; the probe needs 58)");
            for (int l : o.loads) if (l <= 0 || l > 100) throw new UsageException("--loads " + l + " is not a percentage in 1..100");
            if (o.trial <= 0 || o.warmup < 0 || o.drain < 0 || o.noise < 0) throw new UsageException("--trial must be positive, --warmup, --drain and --noise not negative");
            if (o.testerCpu == o.dutCpu && !o.dut.equals("external")) throw new UsageException("--tester-cpu and --dut-cpu must differ");
            if (!Files.isRegularFile(o.jar)) throw new UsageException("no worker jar at " + o.jar + ": run make build (or give --worker-jar)");
            try {
                new ThroughputSearch(o.loss, o.resolution, o.maxTrials);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            return new Options(o.dut, List.copyOf(o.ports), o.sizes, o.trial, o.warmup, o.drain, o.loss, o.resolution,
                    o.maxTrials, o.loads, o.testerCpu, o.dutCpu, List.copyOf(o.portOptions), o.noise, o.out, o.jar);
        }
    }

    public static void main(String[] args) {
        CommandLine.run("rfc2544", Options.USAGE, args, Options::parse, Rfc2544::run);
    }

    static int run(Options o) throws Exception {
        var bench = Bench.open(o.out(), "rfc2544-logs", o.workerJar());
        var tester = new Tester(bench.workers(), o.testerCpu(), o.warmupSeconds(), o.trialSeconds(), o.drainSeconds(),
                o.portOptions());
        var search = new ThroughputSearch(o.loss(), o.resolution(), o.maxTrials());
        System.out.printf(Locale.ROOT, "tester: vhostpath worker, latency mode, CPU %d; trials of %.1f s after %.1f s warm-up, %.1f s drain;"
                + " acceptable loss %s; logs in %s%n", o.testerCpu(), o.trialSeconds(), o.warmupSeconds(), o.drainSeconds(),
                o.loss() == 0 ? "none" : o.loss(), bench.work());
        var noise = HostNoise.measureAndPrint(o.dut().equals("external") ? List.of(o.testerCpu()) : List.of(o.testerCpu(), o.dutCpu()),
                o.noiseSeconds());
        var sizes = new ArrayList<Map<String, Object>>();
        try (Dut dut = startDut(o, bench.workers())) {
            System.out.println("device under test: " + dut.label() + " (tester ports " + dut.testerPorts() + ")");
            var doc = new LinkedHashMap<String, Object>();
            doc.put("machine", bench.machine().toMap());
            doc.put("dut", dut.label());
            doc.put("tester_ports", dut.testerPorts());
            doc.put("trial_seconds", o.trialSeconds());
            doc.put("warmup_seconds", o.warmupSeconds());
            doc.put("drain_seconds", o.drainSeconds());
            doc.put("acceptable_loss", o.loss());
            doc.put("host_noise", HostNoise.toMaps(noise));
            doc.put("sizes", sizes);
            for (int size : o.sizes()) {
                System.out.printf(Locale.ROOT, "%nframe size %d B%n", size);
                var outcome = search.search(rate -> tester.trial(dut, rate, size), line -> System.out.println("  " + line));
                sizes.add(result(o, tester, dut, size, outcome));
                // Written after every size: a run stopped half-way keeps what it measured.
                Files.writeString(o.out(), Json.write(doc) + "\n");
            }
        }
        System.out.println();
        System.out.println("frame  throughput            Gbit/s   rtt at load p50 / p99.9 (us)");
        for (var s : sizes) {
            System.out.printf(Locale.ROOT, "%5d  %-20s  %6.2f   %s%n", s.get("frame_size"), s.get("throughput_text"), s.get("gbps"), s.get("latency_text"));
        }
        for (HostNoise n : noise) System.out.println("host: " + n.describe());
        System.out.println("wrote " + o.out());
        return 0;
    }

    private static Dut startDut(Options o, WorkerRuns workers) throws Exception {
        return switch (o.dut()) {
            case "testpmd" -> Dut.TestpmdMacswap.start(workers, "dut-testpmd", o.dutCpu(), Collections.max(o.sizes()));
            case "java" -> Dut.WorkerMacswap.start(workers, "dut-java", o.dutCpu(), Collections.max(o.sizes()));
            default -> new Dut.External(o.ports());
        };
    }

    /** The size's figures, then latency trials at the asked loads of the throughput found. */
    private static Map<String, Object> result(Options o, Tester tester, Dut dut, int size, ThroughputSearch.Outcome outcome)
            throws Exception {
        var m = new LinkedHashMap<String, Object>();
        m.put("frame_size", size);
        double mpps = outcome.zeroLossPps() / 1e6;
        m.put("throughput_mpps", mpps);
        m.put("gbps", mpps * 1e6 * size * 8 / 1e9);
        m.put("generator_limited", outcome.generatorLimited());
        String text = outcome.generatorLimited()
                ? String.format(Locale.ROOT, ">= %.3f Mpps (generator)", mpps)
                : outcome.zeroLossPps() == 0 ? "none without loss" : String.format(Locale.ROOT, "%.3f Mpps", mpps);
        m.put("throughput_text", text);
        System.out.println("  throughput: " + text + (outcome.generatorLimited()
                ? ": the device lost nothing at the highest rate the tester could offer, so this is the tester's limit, not the device's"
                : ""));
        m.put("trials", outcome.trials().stream().map(Trial::toMap).toList());
        var loads = new ArrayList<Map<String, Object>>();
        var latencyText = new StringBuilder();
        if (outcome.zeroLossPps() > 0) {
            for (int pct : o.loads()) {
                long rate = outcome.zeroLossPps() * pct / 100;
                Trial t = tester.trial(dut, rate, size);
                System.out.printf(Locale.ROOT, "  latency at %d%%: %s%n", pct, t.describe());
                var l = new LinkedHashMap<String, Object>();
                l.put("load_percent", pct);
                l.put("trial", t.toMap());
                l.put("hdr_log", tester.latestTrial() + ".hlog");
                loads.add(l);
                latencyText.append(String.format(Locale.ROOT, "%d%%: %.1f / %.1f  ", pct, t.latency().p50() / 1e3, t.latency().p999() / 1e3));
            }
        }
        m.put("latency", loads);
        m.put("latency_text", latencyText.toString().trim());
        return m;
    }
}
