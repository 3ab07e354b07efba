package io.vhostpath.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhostpath.dpdk.RuntimeDirectories;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged worker run as users run it: {@code java -jar vhostpath-worker.jar ...} in its own process. */
final class WorkerProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/vhostpath-worker.jar");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** Numbers each start's file prefix; the stress test starts workers from two threads at once. */
    private static final java.util.concurrent.atomic.AtomicInteger STARTED = new java.util.concurrent.atomic.AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();

    final String prefix;
    final Path stdout;
    final Path stderr;
    /** Where the worker writes its summary: the test's {@code --summary-json}, or one of our own. */
    final Path summaryJson;
    final Process process;

    private WorkerProcess(List<String> command, Path logs, String prefix, Path summaryJson) throws IOException {
        this.prefix = prefix;
        this.stdout = Files.createTempFile(logs, prefix, ".out");
        this.stderr = Files.createTempFile(logs, prefix, ".err");
        this.summaryJson = summaryJson;
        this.process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /** Starts the worker with {@code args} and an EAL file prefix of its own. */
    static WorkerProcess start(Path logs, String... args) throws IOException {
        return startWith(List.of(), logs, args);
    }

    /** Starts the worker behind a wrapper command (e.g. {@code unshare}). */
    static WorkerProcess startWith(List<String> wrapper, Path logs, String... args) throws IOException {
        // As a terminal or a container runtime starts it: default signal actions, even when this JVM was itself
        // started as a script's background job (SIGINT ignored); a wrapper may still change them.
        var cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM"));
        cmd.addAll(wrapper);
        cmd.addAll(List.of(JAVA, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        int givenPrefix = cmd.indexOf("--file-prefix");
        String prefix = givenPrefix >= 0 ? cmd.get(givenPrefix + 1) : "vp-it-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet();
        if (givenPrefix < 0) cmd.addAll(List.of("--file-prefix", prefix));
        int given = cmd.indexOf("--summary-json");
        Path summary = given >= 0 ? Path.of(cmd.get(given + 1)) : logs.resolve(prefix + ".summary.json");
        if (given < 0) cmd.addAll(List.of("--summary-json", summary.toString()));
        return new WorkerProcess(cmd, logs, prefix, summary);
    }

    /** The summary the worker wrote at exit: measured figures, then {@code teardown} and {@code exit_code}. */
    JsonNode summary() throws IOException {
        if (!Files.exists(summaryJson)) throw new AssertionError("no summary at " + summaryJson + ":\n" + out() + err());
        return JSON.readTree(summaryJson.toFile());
    }

    /** Exit code 0, the summary says every mbuf came back and the runtime dir went, and nothing is left. */
    void assertCleanExit(int rc) throws IOException {
        assertEquals(0, rc, () -> out() + err());
        JsonNode s = summary();
        assertEquals(0, s.path("exit_code").asInt(-1), s::toString);
        assertEquals(0, s.path("teardown").path("mbufs_in_use").asInt(-1), s::toString);
        assertTrue(s.path("teardown").path("runtime_dir_removed").asBoolean(), s::toString);
        assertNothingLeft();
    }

    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("worker still running after " + seconds + " s:\n" + out() + err());
        }
        return process.exitValue();
    }

    /** Waits until stdout contains {@code text}. */
    void awaitOutput(String text, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (out().contains(text)) return;
            if (!process.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in the worker's output:\n" + out() + err());
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    String out() {
        return read(stdout);
    }

    String err() {
        return read(stderr);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** The worker left nothing under /var/run/dpdk. */
    void assertNothingLeft() {
        assertFalse(Files.exists(Path.of("/var/run/dpdk", prefix)), "EAL runtime dir left behind by " + prefix);
    }

    /**
     * Kills the worker if it still runs. A worker killed (here, or by the test) cannot remove its runtime dir and lock:
     * they are removed. One that exited on its own leaves them alone: they may be another worker's (a refused duplicate).
     */
    @Override
    public void close() throws InterruptedException {
        boolean running = process.isAlive();
        process.destroyForcibly().waitFor();
        if (!running && process.exitValue() <= 128) return;
        RuntimeDirectories.deleteQuietly(RuntimeDirectories.ROOT.resolve(prefix));
        try {
            Files.deleteIfExists(RuntimeDirectories.ROOT.resolve(prefix + ".lock"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
