package io.vhostpath.perf;

import io.vhostpath.dpdk.RuntimeDirectories;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged worker as the benchmarks run it: its own process per run, on the JVM running the harness, quiet
 * (no live lines, no metrics endpoint), the EAL memory of the machine, and the summary JSON read back.
 */
final class WorkerRuns {
    private final Path jar;
    private final Path work;
    private final EalMemory memory;

    WorkerRuns(Path jar, Path work, EalMemory memory) {
        this.jar = jar;
        this.work = work;
        this.memory = memory;
    }

    Path work() {
        return work;
    }

    EalMemory memory() {
        return memory;
    }

    /** How a worker process is launched: a command it runs under (e.g. {@code ip netns exec NS}), and JVM options. */
    record Launch(List<String> wrapper, List<String> jvmOptions) {
        static final Launch PLAIN = new Launch(List.of(), List.of());
    }

    /** The worker's command line: the common options, then {@code args}; its summary goes to {@code summary}. */
    List<String> command(String prefix, Path summary, Launch launch, List<String> args) {
        var cmd = new ArrayList<>(launch.wrapper());
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(launch.jvmOptions());
        cmd.addAll(List.of("-jar", jar.toString(), "--stats-interval", "0", "--http", "off", "--file-prefix", filePrefix(prefix),
                "--summary-json", summary.toString()));
        cmd.addAll(memory.workerArgs());
        cmd.addAll(args);
        return cmd;
    }

    private static String filePrefix(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid();
    }

    /** Kills a worker that would not end, and removes what it leaves: its EAL runtime directory and lock. */
    private static void kill(Process worker, String prefix) throws InterruptedException {
        worker.destroyForcibly().waitFor();
        RuntimeDirectories.deleteQuietly(RuntimeDirectories.ROOT.resolve(filePrefix(prefix)));
        try {
            Files.deleteIfExists(RuntimeDirectories.ROOT.resolve(filePrefix(prefix) + ".lock"));
        } catch (IOException e) {
            // nothing more to do for a process already gone
        }
    }

    /** Starts a worker that runs until stopped (a device under test); its output goes to {@code name}.log. */
    Process start(String name, String prefix, List<String> args) throws IOException {
        return start(name, prefix, Launch.PLAIN, args);
    }

    Process start(String name, String prefix, Launch launch, List<String> args) throws IOException {
        return new ProcessBuilder(command(prefix, work.resolve(name + ".json"), launch, args)).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    /**
     * Runs a worker to its end and returns its summary; a worker that fails, hangs past {@code timeoutSeconds} or
     * writes no summary is an error that names its log.
     */
    Map<String, Object> run(String name, String prefix, List<String> args, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path summary = work.resolve(name + ".json");
        Path log = work.resolve(name + ".log");
        Files.deleteIfExists(summary);
        var process = new ProcessBuilder(command(prefix, summary, Launch.PLAIN, args)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) kill(process, prefix);
            throw new IOException("the worker did not finish within " + timeoutSeconds + " s; log " + log);
        }
        if (process.exitValue() != 0) {
            throw new IOException("the worker exited " + process.exitValue() + " (log " + log + "):\n" + tail(log));
        }
        if (!Files.exists(summary)) throw new IOException("the worker wrote no summary; log " + log);
        return JsonReader.parseObject(Files.readString(summary));
    }

    /** Stops a worker started with {@link #start} (SIGTERM), and checks it ended cleanly. */
    void stop(Process worker, String name, String prefix) throws IOException, InterruptedException {
        worker.destroy();
        if (!worker.waitFor(30, TimeUnit.SECONDS)) {
            kill(worker, prefix);
            throw new IOException("the worker " + name + " did not stop within 30 s of SIGTERM; log " + work.resolve(name + ".log"));
        }
        if (worker.exitValue() != 0) {
            throw new IOException("the worker " + name + " exited " + worker.exitValue() + ":\n" + tail(work.resolve(name + ".log")));
        }
    }

    static String tail(Path log) throws IOException {
        var lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** A number of a summary: top-level {@code key}, or the sum of {@code key} over its ports. */
    static double number(Map<String, Object> summary, String key) {
        Object v = summary.get(key);
        if (v instanceof Number n) return n.doubleValue();
        double sum = 0;
        boolean found = false;
        for (Object p : (List<?>) summary.get("ports")) {
            if (((Map<?, ?>) p).get(key) instanceof Number n) {
                sum += n.doubleValue();
                found = true;
            }
        }
        if (!found) throw new IllegalStateException(key + " missing in the worker's summary " + summary);
        return sum;
    }
}
