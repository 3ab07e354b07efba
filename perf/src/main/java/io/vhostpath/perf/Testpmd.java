package io.vhostpath.perf;

import io.vhostpath.dpdk.RuntimeDirectories;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * DPDK's testpmd in interactive mode, driven through its stdin: the harness types the commands a person
 * would ({@code start tx_first 8}, {@code show port stats all}, {@code quit}) and reads the answers from its log.
 */
final class Testpmd implements AutoCloseable {
    /** The largest frame without FCS that testpmd's default mbufs and MTU take. */
    static final int STANDARD_FRAME = 1518;

    private static final Pattern NIC_RX = Pattern.compile("NIC statistics for port (\\d+)\\s+#+\\s+RX-packets:\\s+(\\d+)");

    private final Process process;
    private final OutputStream stdin;
    private final Path log;
    private final String prefix;

    /**
     * @param mainCpu     the main lcore's CPU (idle at the prompt; it may share a forwarding lcore's CPU)
     * @param forwardCpus one forwarding lcore per CPU listed
     */
    Testpmd(Path log, String prefix, int mainCpu, List<Integer> forwardCpus, List<String> memoryArgs, List<String> vdevs,
            List<String> testpmdArgs) throws IOException {
        this.log = log;
        this.prefix = prefix;
        if (!installed()) throw new IOException("dpdk-testpmd is not installed: make setup installs it (Debian package dpdk)");
        // stdbuf: testpmd printf()s into a pipe, block-buffered unless told otherwise.
        // lcore 0 is the main one; lcores 1..n forward, each on its CPU (EAL's lcore@cpu mapping).
        var lcores = new StringBuilder("0@" + mainCpu);
        for (int i = 0; i < forwardCpus.size(); i++) lcores.append(',').append(i + 1).append('@').append(forwardCpus.get(i));
        var cmd = new ArrayList<>(List.of("stdbuf", "-oL", "dpdk-testpmd", "--lcores", lcores.toString(), "--main-lcore", "0"));
        cmd.addAll(memoryArgs);
        cmd.addAll(List.of("--no-pci", "--no-telemetry", "--file-prefix", prefix));
        for (String v : vdevs) cmd.add("--vdev=" + v);
        cmd.addAll(List.of("--", "-i", "--no-mlockall", "--nb-cores=" + forwardCpus.size(), "--total-num-mbufs=16383", "--mbcache=256",
                "--rxd=1024", "--txd=1024", "--burst=32"));
        cmd.addAll(testpmdArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        stdin = process.getOutputStream();
        awaitLog("testpmd> ", 60);
    }

    /**
     * testpmd serving a vhost-user socket (net_vhost) and forwarding in {@code mode} back on the same port, on
     * {@code cpu} (its main lcore on the other CPU, idle at the prompt); started.
     */
    static Testpmd vhostServer(Path log, String prefix, Path socket, String mode, int cpu, EalMemory memory, int maxFrame)
            throws IOException {
        var options = new ArrayList<>(List.of("--forward-mode=" + mode, "--port-topology=loop"));
        if (maxFrame > STANDARD_FRAME) {
            // Jumbo frames: one mbuf holds a frame (data room plus the 128-byte headroom), and the port takes them.
            options.addAll(List.of("--mbuf-size=" + (maxFrame + 128), "--max-pkt-len=" + (maxFrame + 4)));
        }
        var t = new Testpmd(log, prefix, cpu == 0 ? 1 : 0, List.of(cpu), memory.testpmdArgs(),
                List.of("net_vhost0,iface=" + socket + ",queues=1"), options);
        t.command("start");
        return t;
    }

    static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "dpdk-testpmd"))) return true;
        }
        return false;
    }

    void command(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitLog(String text, int seconds) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (log().contains(text)) return;
            if (!process.isAlive()) break;
            sleep(50);
        }
        throw new IOException("testpmd did not show '" + text + "' (log " + log + "):\n" + log());
    }

    /** The RX-packets of every port from each {@code show port stats all} so far, in order. */
    List<Long> rxPacketReadings() {
        var m = NIC_RX.matcher(log());
        var out = new ArrayList<Long>();
        while (m.find()) out.add(Long.parseLong(m.group(2)));
        return out;
    }

    /** Sums each port's RX packets now, waiting until testpmd has printed them. */
    long rxPacketsNow(int ports) throws IOException {
        int before = rxPacketReadings().size();
        command("show port stats all");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            var r = rxPacketReadings();
            if (r.size() >= before + ports) return r.subList(before, before + ports).stream().mapToLong(Long::longValue).sum();
            sleep(20);
        }
        throw new IOException("testpmd printed no port stats:\n" + log());
    }

    /**
     * The forwarding lcores' CPU time so far, in ns: the first field of each one's schedstat, the kernel's count of the
     * time the thread ran (time the host stole from the VM is not in it).
     */
    long forwardingCpuNanos() throws IOException {
        var names = new ArrayList<String>();
        long sum = 0;
        boolean found = false;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path t : tasks.toList()) {
                String name = Files.readString(t.resolve("comm")).trim();
                names.add(name);
                if (name.startsWith("rte-worker") || name.startsWith("lcore-worker")) {
                    sum += Long.parseLong(Files.readString(t.resolve("schedstat")).split(" ")[0]);
                    found = true;
                }
            }
        }
        if (!found) throw new IOException("testpmd (pid " + process.pid() + ") has no forwarding lcore thread (rte-worker-N, lcore-worker-N in older DPDK); threads: " + names);
        return sum;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops forwarding, quits, and removes the EAL runtime directory testpmd leaves behind. */
    @Override
    public void close() throws IOException {
        try {
            command("stop");
            command("quit");
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeDirectories.delete(RuntimeDirectories.ROOT.resolve(prefix));
    }
}
