package io.vhostpath.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a harness command runs: the machine, the EAL memory every contender gets, the directory beside its result that keeps every run's logs, and the worker runner.
 */
record Bench(Machine machine, EalMemory memory, Path work, WorkerRuns workers) {
    static Bench open(Path result, String logs, Path workerJar) throws IOException {
        var machine = Machine.describe(dpdkVersion());
        var memory = EalMemory.of(machine);
        Path work = Files.createDirectories(result.toAbsolutePath().getParent().resolve(logs));
        // Stopped from outside (kill, a CI timeout), the harness stops what it started: SIGTERM makes testpmd and the
        // worker end cleanly, runtime directories and sockets removed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        System.out.println("machine: " + machine);
        return new Bench(machine, memory, work, new WorkerRuns(workerJar, work, memory));
    }

    private static String dpdkVersion() {
        try {
            var p = new ProcessBuilder("pkg-config", "--modversion", "libdpdk").redirectErrorStream(true).start();
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
