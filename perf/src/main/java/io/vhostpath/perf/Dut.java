package io.vhostpath.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The device under test, between the tester's probes and their return: the user's own (a vDPA device, a vhost-user
 * switch port) or one the harness starts on a vhost-user socket it serves, reflecting every packet with macswap on
 * its CPU: DPDK's testpmd, or the vhostpath worker; neither retries a full TX ring (testpmd's default).
 */
sealed interface Dut extends AutoCloseable {
    /** The ports the tester opens to reach the device. */
    List<String> testerPorts();

    String label();

    @Override
    void close() throws IOException, InterruptedException;

    /** Whatever the user named: nothing to start or stop. */
    record External(List<String> testerPorts) implements Dut {
        public String label() {
            return "external " + String.join(" ", testerPorts);
        }

        public void close() {}
    }

    record TestpmdMacswap(Testpmd testpmd, Path socket) implements Dut {
        /** A reflector for frames up to {@code maxFrame} bytes. */
        static TestpmdMacswap start(WorkerRuns workers, String name, int cpu, int maxFrame) throws IOException {
            Path work = workers.work();
            Path socket = work.resolve(name + ".sock");
            var t = Testpmd.vhostServer(work.resolve(name + ".log"), "vp-dut-" + ProcessHandle.current().pid(), socket,
                    "macswap", cpu, workers.memory(), maxFrame);
            return new TestpmdMacswap(t, socket);
        }

        public List<String> testerPorts() {
            return List.of("vhost-user:" + socket);
        }

        public String label() {
            return "testpmd";
        }

        public void close() throws IOException {
            testpmd.close();
        }
    }

    record WorkerMacswap(WorkerRuns workers, Process process, String name, Path socket) implements Dut {
        private static final String PREFIX = "vp-dut";

        /** A reflector for frames up to {@code maxFrame} bytes (its mbufs sized to hold one whole). */
        static WorkerMacswap start(WorkerRuns workers, String name, int cpu, int maxFrame) throws IOException, InterruptedException {
            Path socket = workers.work().resolve(name + ".sock");
            var p = workers.start(name, PREFIX, List.of("--port", "vhost-server:" + socket, "--mode", "macswap",
                    "--cpus", Integer.toString(cpu), "--duration", "0", "--tx-retries", "0", "--size", Integer.toString(maxFrame)));
            Path log = workers.work().resolve(name + ".log");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Polling has started once the thread lines are printed; the socket is served from EAL start on.
            while (!Files.exists(log) || !Files.readString(log).contains("thread poll-q0")) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    workers.stop(p, name, PREFIX);
                    throw new IOException("the worker under test did not start (log " + log + "):\n" + WorkerRuns.tail(log));
                }
                Thread.sleep(50);
            }
            return new WorkerMacswap(workers, p, name, socket);
        }

        public List<String> testerPorts() {
            return List.of("vhost-user:" + socket);
        }

        public String label() {
            return "java";
        }

        public void close() throws IOException, InterruptedException {
            workers.stop(process, name, PREFIX);
        }
    }
}
