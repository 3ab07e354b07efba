package io.vhostpath.perf;

import io.vhostpath.text.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code make bench}: the Java worker against DPDK's testpmd on the same virtual ports, with the same EAL memory
 * options, one forwarding core each, burst 32, 1024 descriptors, 16383 mbufs (cache 256), no TX retries.
 * Runs alternate (Java, C, Java, C ...); each measures RX packets over a window that starts after a warm-up,
 * from the contender's own port counters, and its forwarding thread's own CPU time over that window. Each pair of
 * adjacent rounds gives two ratios: rate (Java/testpmd, wall clock) and CPU cost per packet (testpmd/Java); both
 * read >= 1 when Java is ahead. Their medians and spreads decide, see {@link PairedRatios}. Writes the same as JSON.
 *
 * <p>Usage: {@code SideBySide [--rounds N] [--window SECONDS] [--warmup SECONDS] [--scenarios NAME,...|sweep|startup|all]
 * [--out FILE] [--worker-jar JAR]}: by default null-io, null-macswap, vhost-io, pipeline and pipeline-io; {@code sweep} is the frame
 * size sweep (64 to 1518 bytes, Java against testpmd) on net_null, {@code vhost-sweep} the same over vhost-user.
 */
public final class SideBySide {
    private static final int[] SWEEP_SIZES = {64, 128, 256, 512, 1024, 1518};

    /** Who forwards: the worker run to completion, the worker handing packets to a stage thread, or testpmd. */
    enum Contender {
        JAVA("java"), JAVA_PIPELINE("pipeline"), TESTPMD("testpmd");

        final String label;

        Contender(String label) {
            this.label = label;
        }
    }

    /**
     * A scenario: the ports as the worker names them and as testpmd's vdevs, who forwards on which CPU, and the two
     * contenders, {@code a} measured against {@code b}; {@code frameSize} 0 when the ports choose it.
     */
    record Scenario(String name, String description, String mode, List<String> workerPorts, List<String> testpmdVdevs,
                    int dutCpu, boolean vhostBackend, int seedBursts, Contender a, Contender b, int frameSize) {
        Scenario(String name, String description, String mode, List<String> workerPorts, List<String> testpmdVdevs,
                 int dutCpu, boolean vhostBackend, int seedBursts) {
            this(name, description, mode, workerPorts, testpmdVdevs, dutCpu, vhostBackend, seedBursts, Contender.JAVA, Contender.TESTPMD, 0);
        }

        /** A pipeline on two CPUs spins two threads: CPU per packet compares work only between one-thread contenders. */
        boolean costComparable() {
            return a != Contender.JAVA_PIPELINE && b != Contender.JAVA_PIPELINE;
        }

        /** Scenarios on net_null ports alone take {@code --queues} and {@code --cpus} (vhost-io's backend has one queue). */
        boolean scales() {
            return !vhostBackend && costComparable();
        }
    }

    /** One contender's round: its rate, and its forwarding thread's CPU time per packet; for Java, what the JVM did. */
    record Result(double mpps, double cpuNsPerPacket, long allocatedBytes, double bytesPerPacket, long gcs) {}

    private final int rounds;
    private final int windowSeconds;
    private final int warmupSeconds;
    private final WorkerRuns workers;
    private final Path work;
    private final EalMemory memory;
    private final int queues;
    private final List<Integer> cpus;

    /**
     * @param queues queue pairs per port in the scenarios that scale: the worker polls each with a thread of its own,
     *               testpmd spreads them over its forwarding lcores
     * @param cpus   the forwarding CPUs of those scenarios, one per queue (empty: the scenario's one CPU)
     */
    SideBySide(int rounds, int windowSeconds, int warmupSeconds, WorkerRuns workers, Path work,
               int queues, List<Integer> cpus) {
        this.rounds = rounds;
        this.windowSeconds = windowSeconds;
        this.warmupSeconds = warmupSeconds;
        this.workers = workers;
        this.work = work;
        this.memory = workers.memory();
        this.queues = queues;
        this.cpus = List.copyOf(cpus);
    }

    private List<Integer> forwardingCpus(Scenario s) {
        return s.scales() && !cpus.isEmpty() ? cpus : List.of(s.dutCpu());
    }

    private int queues(Scenario s) {
        return s.scales() ? queues : 1;
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3, window = 10, warmup = 2, queues = 1;
        List<Integer> cpus = List.of();
        var only = new ArrayList<String>();
        Path out = Path.of("perf/target/bench.json");
        Path jar = Path.of("vhost-vdpa/worker/target/vhostpath-worker.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--worker-jar" -> jar = Path.of(args[++i]);
                case "--scenarios" -> only.addAll(List.of(args[++i].split(",")));
                case "--queues" -> queues = Integer.parseInt(args[++i]);
                case "--cpus" -> cpus = CommandLine.ints(args[++i]);
                default -> {
                    System.err.println("usage: SideBySide [--rounds N] [--window S] [--warmup S] [--scenarios NAME,...|sweep|startup|all]"
                            + " [--queues N --cpus CPU,...] [--out FILE] [--worker-jar JAR]");
                    System.exit(2);
                }
            }
        }
        if (queues < 1 || (!cpus.isEmpty() || queues > 1) && cpus.size() != queues) {
            System.err.println("--queues " + queues + " needs --cpus with one forwarding CPU per queue (the worker polls each queue"
                    + " with a thread of its own), e.g. --queues 2 --cpus 2,3");
            System.exit(2);
        }
        // Logs of every run stay beside the report, for a second look at a surprising figure.
        var context = Bench.open(out, "bench-logs", jar);
        Path work = context.work();
        var bench = new SideBySide(rounds, window, warmup, context.workers(), work, queues, cpus);
        System.out.printf(Locale.ROOT, "method: %d rounds each, the two contenders alternating, %d s warm-up then %d s measured, %s%s%n",
                rounds, warmup, window, context.memory(),
                queues == 1 ? "" : "; net_null scenarios with " + queues + " queues per port on CPUs " + cpus);
        var vhostIo = new Scenario("vhost-io", "virtio_user on vhost-user, io forwarding in a loop with one testpmd backend "
                + "(io, CPU 1) serving every run; forwarder on CPU 0; 8 bursts seeded", "io",
                List.of("vhost-user:" + work.resolve("vhost.sock")),
                List.of("virtio_user0,path=" + work.resolve("vhost.sock") + ",queues=1,queue_size=1024"), 0, true, 8);
        var scenarios = List.of(
                new Scenario("null-io", "net_null pair, io forwarding, one core (CPU 1)", "io",
                        List.of("null", "null"), List.of("net_null0", "net_null1"), 1, false, 0),
                new Scenario("null-macswap", "net_null pair, macswap (every packet's MACs swapped in place), one core (CPU 1)",
                        "macswap", List.of("null", "null"), List.of("net_null0", "net_null1"), 1, false, 0),
                vhostIo,
                new Scenario("pipeline", "one net_null port in a loop, macswap: the Agrona ring handoff to a stage thread (CPU 0)"
                        + " against run-to-completion (CPU 1)", "macswap", List.of("null"), List.of(), 1, false, 0,
                        Contender.JAVA_PIPELINE, Contender.JAVA, 0),
                // The same without touching packets: what the rings cost, apart from the stage's reads of mbufs the other
                // CPU wrote.
                new Scenario("pipeline-io", "one net_null port in a loop, io: the ring handoff alone (the stage reads no"
                        + " packet) against run-to-completion", "io", List.of("null"), List.of(), 1, false, 0,
                        Contender.JAVA_PIPELINE, Contender.JAVA, 0));
        var selected = new ArrayList<Scenario>();
        for (Scenario sc : scenarios) if (only.isEmpty() || only.contains(sc.name()) || only.contains("all")) selected.add(sc);
        if (only.contains("sweep") || only.contains("all")) {
            for (int size : SWEEP_SIZES) {
                var vdevs = List.of("net_null0,size=" + size, "net_null1,size=" + size);
                selected.add(new Scenario("size-" + size, "net_null pair, io, " + size + "-byte frames, one core (CPU 1)", "io",
                        vdevs, vdevs, 1, false, 0, Contender.JAVA, Contender.TESTPMD, size));
            }
        }
        if (only.contains("vhost-sweep") || only.contains("all")) {
            // vhost-user copies every frame both ways: here the size costs, unlike on net_null. The seeded frames set it.
            for (int size : SWEEP_SIZES) {
                selected.add(new Scenario("vhost-size-" + size, "virtio_user on vhost-user, io loop through the testpmd"
                        + " backend, " + size + "-byte frames seeded", "io", vhostIo.workerPorts(), vhostIo.testpmdVdevs(), 0, true,
                        vhostIo.seedBursts(), Contender.JAVA, Contender.TESTPMD, size));
            }
        }
        boolean startup = only.contains("startup") || only.contains("all");
        if (selected.isEmpty() && !startup) {
            System.err.println("no scenario named " + only + "; there are " + scenarios.stream().map(Scenario::name).toList()
                    + ", sweep, vhost-sweep, startup, all");
            System.exit(2);
        }
        var report = new LinkedHashMap<String, Object>();
        report.put("machine", context.machine().toMap());
        report.put("rounds", rounds);
        report.put("warmup_seconds", warmup);
        report.put("window_seconds", window);
        report.put("hugepages", context.memory().hugepages());
        report.put("queues", queues);
        report.put("cpus", cpus);
        if (selected.stream().anyMatch(sc -> sc.a() == Contender.JAVA_PIPELINE)) {
            // The floor under a pipeline's handoff on this machine, whatever the language.
            double roundTrip = CacheLineRoundTrip.measure(0, 1, 1_000_000);
            System.out.printf(Locale.ROOT, "cache line round trip CPU 0 <-> CPU 1: %.0f ns%n", roundTrip);
            report.put("cache_line_round_trip_ns", roundTrip);
        }
        var results = new ArrayList<Map<String, Object>>();
        for (Scenario s : selected) results.add(bench.run(s));
        report.put("scenarios", results);
        if (startup) {
            // The AOT cache make build trains for the worker: <jar>.aot
            Path aot = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".aot"));
            report.put("startup", new StartUpRace(context.workers(), rounds).run(aot));
        }
        Files.writeString(out, Json.write(report) + "\n");
        System.out.println("wrote " + out + " (run logs in " + work + ")");
    }

    private Map<String, Object> run(Scenario s) throws Exception {
        System.out.println();
        System.out.println("scenario " + s.name() + ": " + s.description());
        String a = s.a().label, b = s.b().label;
        List<Result> ra = new ArrayList<>();
        List<Result> rb = new ArrayList<>();
        Testpmd backend = s.vhostBackend() ? startBackend() : null;
        try {
            for (int r = 1; r <= rounds; r++) {
                Result x = measure(s, s.a(), r);
                ra.add(x);
                Result y = measure(s, s.b(), r);
                rb.add(y);
                System.out.printf(Locale.ROOT, "  round %d  %s %8.3f Mpps %6.2f ns/packet CPU (%.4f B/packet, %d GCs) | %s %8.3f Mpps"
                        + " %6.2f ns/packet CPU | rate %.3f%n", r, a, x.mpps(), x.cpuNsPerPacket(), x.bytesPerPacket(), x.gcs(),
                        b, y.mpps(), y.cpuNsPerPacket(), x.mpps() / y.mpps());
            }
        } finally {
            if (backend != null) backend.close();
        }
        var pairs = IntStream.range(0, ra.size()).boxed().toList();
        var rate = PairedRatios.of("rate " + a + "/" + b, a, pairs.stream().map(r -> ra.get(r).mpps() / rb.get(r).mpps()).toList());
        var cost = PairedRatios.of("cpu cost " + b + "/" + a, a, pairs.stream().map(r -> rb.get(r).cpuNsPerPacket() / ra.get(r).cpuNsPerPacket()).toList());
        System.out.printf(Locale.ROOT, "  median   %s %.3f Mpps %.2f ns/packet, %s %.3f Mpps %.2f ns/packet%s%n",
                a, median(ra.stream().map(Result::mpps).toList()), median(ra.stream().map(Result::cpuNsPerPacket).toList()),
                b, median(rb.stream().map(Result::mpps).toList()), median(rb.stream().map(Result::cpuNsPerPacket).toList()),
                s.frameSize() == 0 ? "" : String.format(Locale.ROOT, "; L2 %.2f vs %.2f Gbit/s", gbps(median(ra.stream().map(Result::mpps).toList()), s),
                        gbps(median(rb.stream().map(Result::mpps).toList()), s)));
        List<Result> javaRounds = java(s, ra, rb);
        System.out.printf(Locale.ROOT, "  java allocated at most %.4f B/packet, at most %d GCs per %d s window%n",
                javaRounds.stream().mapToDouble(Result::bytesPerPacket).max().orElse(0),
                javaRounds.stream().mapToLong(Result::gcs).max().orElse(0), windowSeconds);
        System.out.println("  " + rate.verdict());
        var m = new LinkedHashMap<String, Object>();
        m.put("name", s.name());
        m.put("description", s.description());
        m.put("a", a);
        m.put("b", b);
        if (s.frameSize() > 0) m.put("frame_size", s.frameSize());
        m.put("a_mpps", ra.stream().map(Result::mpps).toList());
        m.put("b_mpps", rb.stream().map(Result::mpps).toList());
        m.put("a_cpu_ns_per_packet", ra.stream().map(Result::cpuNsPerPacket).toList());
        m.put("b_cpu_ns_per_packet", rb.stream().map(Result::cpuNsPerPacket).toList());
        m.put("rate_ratios", rate.ratios());
        m.put("rate_ratio_median", rate.median());
        m.put("rate_ratio_spread", List.of(rate.low(), rate.high()));
        m.put("rate_resolved", rate.resolved());
        if (s.costComparable()) {
            System.out.println("  " + cost.verdict());
            m.put("cost_ratios", cost.ratios());
            m.put("cost_ratio_median", cost.median());
            m.put("cost_ratio_spread", List.of(cost.low(), cost.high()));
            m.put("cost_resolved", cost.resolved());
        } else {
            // The time the slower thread spends per packet, pipeline against run-to-completion: what the handoff adds.
            double handoff = median(pairs.stream().map(r -> 1e3 / ra.get(r).mpps() - 1e3 / rb.get(r).mpps()).toList());
            System.out.printf(Locale.ROOT, "  handoff cost %.2f ns/packet (1/rate of %s minus 1/rate of %s, median of pairs)%n", handoff, a, b);
            m.put("handoff_ns_per_packet", handoff);
        }
        m.put("java_bytes_per_packet", javaRounds.stream().map(Result::bytesPerPacket).toList());
        m.put("java_gcs", javaRounds.stream().map(Result::gcs).toList());
        return m;
    }

    /** The rounds of the Java contenders (both sides in the pipeline scenario). */
    private static List<Result> java(Scenario s, List<Result> a, List<Result> b) {
        var out = new ArrayList<Result>();
        if (s.a() != Contender.TESTPMD) out.addAll(a);
        if (s.b() != Contender.TESTPMD) out.addAll(b);
        return out;
    }

    /** Layer 2 bits per second: frames without preamble and inter-frame gap. */
    private static double gbps(double mpps, Scenario s) {
        return mpps * 1e6 * s.frameSize() * 8 / 1e9;
    }

    private Result measure(Scenario s, Contender c, int round) throws Exception {
        return switch (c) {
            case JAVA -> runWorker(s, round, false);
            case JAVA_PIPELINE -> runWorker(s, round, true);
            case TESTPMD -> runTestpmd(s, round);
        };
    }

    private Testpmd startBackend() throws IOException {
        return Testpmd.vhostServer(work.resolve("backend.log"), "vp-bench-backend-" + ProcessHandle.current().pid(),
                work.resolve("vhost.sock"), "io", 1, memory, Testpmd.STANDARD_FRAME);
    }

    private Result runTestpmd(Scenario s, int round) throws IOException {
        var forward = forwardingCpus(s);
        // The main lcore sleeps at the prompt: on a CPU no lcore forwards on, or beside one when there is none left.
        int mainCpu = java.util.stream.IntStream.range(0, Runtime.getRuntime().availableProcessors())
                .filter(c -> !forward.contains(c)).findFirst().orElse(forward.getFirst());
        try (var t = new Testpmd(work.resolve(s.name() + "-testpmd-" + round + ".log"), "vp-bench-c-" + ProcessHandle.current().pid(),
                mainCpu, forward, memory.testpmdArgs(), s.testpmdVdevs(),
                testpmdOptions(s))) {
            t.command(s.seedBursts() > 0 ? "start tx_first " + s.seedBursts() : "start");
            Testpmd.sleep(warmupSeconds * 1000L);
            long t1 = System.nanoTime();
            long cpu1 = t.forwardingCpuNanos();
            long before = t.rxPacketsNow(s.testpmdVdevs().size());
            Testpmd.sleep(windowSeconds * 1000L);
            long t2 = System.nanoTime();
            long cpu2 = t.forwardingCpuNanos();
            long after = t.rxPacketsNow(s.testpmdVdevs().size());
            long packets = after - before;
            if (packets <= 0) throw new IOException("testpmd forwarded no packets in " + s.name() + " round " + round + " (log " + t.log() + ")");
            return new Result(packets / ((t2 - t1) / 1e9) / 1e6, (double) (cpu2 - cpu1) / packets, 0, 0, 0);
        }
    }

    private List<String> testpmdOptions(Scenario s) {
        var options = new ArrayList<>(List.of("--rxq=" + queues(s), "--txq=" + queues(s), "--forward-mode=" + s.mode(),
                "--port-topology=" + (s.testpmdVdevs().size() == 2 ? "paired" : "loop")));
        if (seedsFrames(s)) options.add("--txpkts=" + s.frameSize());
        return options;
    }

    /** The contenders make the frames (tx_first) and the scenario sets their size; otherwise the ports choose it. */
    private static boolean seedsFrames(Scenario s) {
        return s.seedBursts() > 0 && s.frameSize() > 0;
    }

    private Result runWorker(Scenario s, int round, boolean pipeline) throws IOException, InterruptedException {
        String who = pipeline ? "pipeline" : "java";
        // a pipeline's stage thread takes the other CPU
        String cpuList = pipeline ? s.dutCpu() + "," + (1 - s.dutCpu())
                : String.join(",", forwardingCpus(s).stream().map(String::valueOf).toList());
        var args = new ArrayList<>(List.of("--mode", s.mode(), "--cpus", cpuList, "--queues", Integer.toString(queues(s)),
                "--burst", "32", "--descriptors", "1024",
                "--mbufs", "16383", "--tx-retries", "0", "--tx-first", Integer.toString(s.seedBursts()),
                "--duration", (warmupSeconds + windowSeconds) + "s", "--warmup", warmupSeconds + "s"));
        for (String p : s.workerPorts()) args.addAll(List.of("--port", p));
        if (pipeline) args.add("--pipeline");
        if (seedsFrames(s)) args.addAll(List.of("--size", Integer.toString(s.frameSize())));
        String name = s.name() + "-" + who + "-" + round;
        var summary = workers.run(name, "vp-bench-java", args, warmupSeconds + windowSeconds + 60);
        double mpps = WorkerRuns.number(summary, "rx_mpps");
        if (mpps <= 0) throw new IOException("the worker forwarded no packets in " + s.name() + " round " + round + " (log "
                + work.resolve(name + ".log") + ")");
        return new Result(mpps, WorkerRuns.number(summary, "cpu_ns_per_packet"), (long) WorkerRuns.number(summary, "allocated_bytes"),
                WorkerRuns.number(summary, "bytes_per_packet"), (long) WorkerRuns.number(summary, "gcs"));
    }

    static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
