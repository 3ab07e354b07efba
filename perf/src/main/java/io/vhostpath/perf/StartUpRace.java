package io.vhostpath.perf;

import io.vhostpath.dpdk.RuntimeDirectories;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up: from process launch to the first packet forwarded, testpmd against the worker (with the AOT cache the
 * build makes, and without). A tester worker sends probes at 100 kpps from one end of a veth pair, in a network
 * namespace of its own; each contender starts in a second namespace on the other end (af_packet, macswap, forwarding
 * on CPU 1), and {@code tcpdump} in the tester's namespace timestamps the first probe that comes back swapped. The
 * time runs from just before the process is launched to that packet, so it holds everything a user waits for: the
 * JVM or the binary loading, EAL, the port, the first poll.
 */
final class StartUpRace {
    /** A contender: how to launch it in the device's namespace on its interface; {@code name} names its log. */
    private record Contender(String label, Launcher launcher) {}

    private interface Launcher {
        Launched launch(VethPair pair, String name) throws IOException;
    }

    /** A launched contender, and how to stop it leaving nothing behind. */
    private record Launched(Process process, Stop stop) {}

    /** One launch: its first packet back, and the worker's own start-up steps (none for testpmd), in ms from the launch. */
    private record Result(double firstPacketMs, Map<String, Double> stepsMs) {}

    private interface Stop {
        void run() throws IOException, InterruptedException;
    }

    private final WorkerRuns workers;
    private final Path work;
    private final EalMemory memory;
    private final int rounds;

    StartUpRace(WorkerRuns workers, int rounds) {
        this.workers = workers;
        this.work = workers.work();
        this.memory = workers.memory();
        this.rounds = rounds;
    }

    Map<String, Object> run(Path aotCache) throws Exception {
        System.out.println();
        System.out.println("scenario startup: process launch to the first packet forwarded (af_packet on a veth pair, macswap,"
                + " CPU 1; tcpdump timestamps the first probe back)");
        var contenders = new ArrayList<Contender>();
        contenders.add(new Contender("testpmd", this::testpmd));
        if (Files.isRegularFile(aotCache)) {
            contenders.add(new Contender("java-aot", (pair, name) -> worker(pair, name, List.of("-XX:AOTCache=" + aotCache))));
        } else {
            System.out.println("  no AOT cache at " + aotCache + " (make build makes it): java runs without one only");
        }
        contenders.add(new Contender("java", (pair, name) -> worker(pair, name, List.of())));
        var times = new LinkedHashMap<String, List<Double>>();
        var steps = new LinkedHashMap<String, Map<String, List<Double>>>();
        for (Contender c : contenders) {
            times.put(c.label(), new ArrayList<>());
            steps.put(c.label(), new LinkedHashMap<>());
        }
        try (var pair = new VethPair("vp-startup-" + ProcessHandle.current().pid())) {
            Process tester = workers.start("startup-tester", "vp-su-tester", new WorkerRuns.Launch(pair.testerExec(), List.of()),
                    List.of("--port", "af_packet:" + pair.testerIface(), "--mode", "txonly", "--rate", "100000", "--cpus", "0",
                            "--idle", "yield", "--duration", "0"));
            try {
                // Not counted: the first launch after the tester starts took ~1.2 s whoever it was (testpmd ~290 ms after).
                once(contenders.getFirst(), pair, 0);
                for (int r = 1; r <= rounds; r++) {
                    var line = new StringBuilder("  round " + r);
                    for (Contender c : contenders) {
                        Result result = once(c, pair, r);
                        times.get(c.label()).add(result.firstPacketMs());
                        result.stepsMs().forEach((step, ms) -> steps.get(c.label()).computeIfAbsent(step, k -> new ArrayList<>()).add(ms));
                        line.append(String.format(Locale.ROOT, "  %s %.0f ms", c.label(), result.firstPacketMs()));
                    }
                    System.out.println(line);
                }
            } finally {
                workers.stop(tester, "startup-tester", "vp-su-tester");
            }
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("name", "startup");
        m.put("description", "process launch to the first packet forwarded, af_packet on a veth pair, macswap, CPU 1");
        var medians = new LinkedHashMap<String, Object>();
        for (var e : times.entrySet()) {
            medians.put(e.getKey(), SideBySide.median(e.getValue()));
            System.out.printf(Locale.ROOT, "  median %-8s %.0f ms%n", e.getKey(), SideBySide.median(e.getValue()));
        }
        m.put("milliseconds", times);
        m.put("median_ms", medians);
        var stepMedians = new LinkedHashMap<String, Object>();
        for (var e : steps.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            var line = new StringBuilder("  " + e.getKey() + " steps, median ms from launch:");
            var medianPerStep = new LinkedHashMap<String, Object>();
            for (var step : e.getValue().entrySet()) {
                double median = SideBySide.median(step.getValue());
                medianPerStep.put(step.getKey(), median);
                line.append(String.format(Locale.ROOT, " %s %.0f", step.getKey(), median));
            }
            System.out.println(line.append(String.format(Locale.ROOT, "; first packet back %.0f", SideBySide.median(times.get(e.getKey())))));
            stepMedians.put(e.getKey(), medianPerStep);
        }
        m.put("steps_median_ms", stepMedians);
        String best = times.containsKey("java-aot") ? "java-aot" : "java";
        var ratios = new ArrayList<Double>();
        for (int r = 0; r < rounds; r++) ratios.add(times.get("testpmd").get(r) / times.get(best).get(r));
        var paired = PairedRatios.of("start-up testpmd/" + best, best, ratios);
        System.out.println("  " + paired.verdict() + "  (>= 1: java starts faster)");
        m.put("ratio_label", paired.what());
        m.put("ratios", paired.ratios());
        m.put("ratio_median", paired.median());
        m.put("ratio_spread", List.of(paired.low(), paired.high()));
        return m;
    }

    /** One launch: tcpdump listening first, then the clock, the contender, and the first packet back. */
    private Result once(Contender c, VethPair pair, int round) throws Exception {
        String name = "startup-" + c.label() + "-" + round;
        Path summary = work.resolve(name + ".json");
        Files.deleteIfExists(summary);
        Path capture = work.resolve(name + ".tcpdump");
        Path captureErr = work.resolve(name + ".tcpdump.err");
        var cmd = new ArrayList<>(pair.testerExec());
        cmd.addAll(List.of("tcpdump", "-i", pair.testerIface(), "-Q", "in", "-c", "1", "-n", "-tt", "--time-stamp-precision=nano",
                "ether", "src", "02:00:00:00:00:02"));
        var tcpdump = new ProcessBuilder(cmd).redirectOutput(capture.toFile()).redirectError(captureErr.toFile()).start();
        Launched contender = null;
        Instant start;
        double firstPacketMs;
        try {
            awaitText(captureErr, "listening on", tcpdump, 20);
            start = Instant.now();
            contender = c.launcher().launch(pair, name);
            if (!tcpdump.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException(c.label() + " forwarded nothing within 60 s of its launch (log " + work.resolve(name + ".log") + ")");
            }
            String first = Files.readString(capture).trim();
            if (first.isEmpty()) throw new IOException("tcpdump saw no packet: " + Files.readString(captureErr));
            BigDecimal seen = new BigDecimal(first.substring(0, first.indexOf(' ')));
            BigDecimal launched = BigDecimal.valueOf(start.getEpochSecond()).add(BigDecimal.valueOf(start.getNano(), 9));
            firstPacketMs = seen.subtract(launched).doubleValue() * 1e3;
        } finally {
            tcpdump.destroyForcibly().waitFor();
            if (contender != null) contender.stop().run();
        }
        return new Result(firstPacketMs, steps(summary, start));
    }

    /** The worker's start-up steps from its summary ({@code startup_epoch_us}), in ms from {@code launched}. */
    static Map<String, Double> steps(Path summary, Instant launched) throws IOException {
        if (!Files.exists(summary)) return Map.of();
        var reached = JsonReader.parseObject(Files.readString(summary)).get("startup_epoch_us");
        if (!(reached instanceof Map<?, ?> epochMicros)) return Map.of();
        double launchedMicros = launched.getEpochSecond() * 1e6 + launched.getNano() / 1e3;
        var steps = new LinkedHashMap<String, Double>();
        epochMicros.forEach((step, micros) -> steps.put((String) step, (((Number) micros).doubleValue() - launchedMicros) / 1e3));
        return steps;
    }

    private Launched testpmd(VethPair pair, String name) throws IOException {
        String prefix = "vp-su-testpmd-" + ProcessHandle.current().pid();
        var cmd = new ArrayList<>(pair.dutExec());
        cmd.addAll(List.of("dpdk-testpmd", "-l", "0,1", "--main-lcore", "0"));
        cmd.addAll(memory.testpmdArgs());
        cmd.addAll(List.of("--no-pci", "--no-telemetry", "--file-prefix", prefix, "--vdev", "net_af_packet0,iface=" + pair.dutIface(),
                "--", "--forward-mode=macswap", "--port-topology=loop", "--nb-cores=1", "--total-num-mbufs=16383",
                "--mbcache=256", "--rxd=1024", "--txd=1024", "--burst=32", "--no-mlockall"));
        // Without -i testpmd forwards at once and waits for Enter on stdin: the pipe stays open until the stop.
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        return new Launched(p, () -> {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            RuntimeDirectories.deleteQuietly(RuntimeDirectories.ROOT.resolve(prefix));
        });
    }

    private Launched worker(VethPair pair, String name, List<String> jvmOptions) throws IOException {
        var p = workers.start(name, "vp-su-java", new WorkerRuns.Launch(pair.dutExec(), jvmOptions),
                List.of("--port", "af_packet:" + pair.dutIface(), "--mode", "macswap", "--cpus", "1", "--duration", "0"));
        return new Launched(p, () -> workers.stop(p, name, "vp-su-java"));
    }

    private static void awaitText(Path file, String text, Process p, int seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.readString(file).contains(text)) return;
            if (!p.isAlive()) break;
            Thread.sleep(20);
        }
        throw new IOException("tcpdump did not start listening: " + Files.readString(file));
    }
}
