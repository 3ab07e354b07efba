package io.vhostpath.operator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code make images} on this machine (podman, a Debian base made by mmdebstrap, the packaged jars), then each image
 * started: every command in it answers {@code --version} with the build's version and {@code --help} with its usage.
 * Skipped only where podman is not installed.
 */
class ImagesProcessTest {
    private static final Path ROOT = Path.of("../..");
    private static final String VERSION = io.vhostpath.sys.Version.get();

    record Run(int exit, String out) {}

    private static Run run(long timeoutSeconds, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), String.join(" ", cmd) + " did not finish");
        return new Run(p.exitValue(), out);
    }

    @BeforeAll
    static void images() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")), "podman is not installed: no image can be built or run here");
        Run built = run(900, "scripts/images.sh");
        assertEquals(0, built.exit(), built.out());
    }

    private static String in(String image, String... command) throws Exception {
        var cmd = new ArrayList<>(List.of("podman", "--cgroup-manager=cgroupfs", "run", "--rm", "--network=none",
                // podman asks for higher limits than these VMs' sandbox lets runc set (EPERM): ask for what it allows
                "--ulimit", "nofile=" + openFilesLimit() + ":" + openFilesLimit(), "--ulimit", "nproc=4096:4096", "localhost/vhostpath/" + image + ":0.1.0"));
        cmd.addAll(List.of(command));
        Run r = run(120, cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.out());
        return r.out();
    }

    /** This process's hard limit on open files: the most a container started from here may be given. */
    private static String openFilesLimit() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) return line.substring(26).trim().split("\\s+")[1];
        }
        return "1024";
    }

    @Test
    void the_operator_image_runs_the_controller() throws Exception {
        assertEquals("vhostpath-controller " + VERSION + "\n", in("operator", "vhostpath-controller", "--version"));
        assertTrue(in("operator", "vhostpath-controller", "--help").startsWith("usage: vhostpath-controller"));
    }

    @Test
    void the_node_image_runs_the_agent_in_both_modes_the_device_plugin_and_vdpactl() throws Exception {
        assertEquals("vhostpath-node-agent " + VERSION + "\n", in("node", "vhostpath-node-agent", "--version"));
        assertTrue(in("node", "vhostpath-node-agent", "--help").contains("--node-state NODE"));
        assertEquals("vhostpath-device-plugin " + VERSION + "\n", in("node", "vhostpath-device-plugin", "--version"));
        assertTrue(in("node", "vhostpath-device-plugin", "--help").startsWith("usage: vhostpath-device-plugin"));
        assertTrue(in("node", "vdpactl", "--help").contains("usage: vdpactl"));
    }

    @Test
    void the_worker_image_forwards_on_dpdk_and_starts_from_the_aot_cache_trained_in_it() throws Exception {
        String run = in("worker", "vhostpath-worker", "--port", "null", "--port", "null", "--mode", "io", "--duration", "1s",
                "--warmup", "0", "--stats-interval", "0", "--hugepages", "off", "--memory", "512", "--http", "off");
        var rx = java.util.regex.Pattern.compile("net_null0 +rx (\\d+)").matcher(run);
        assertTrue(rx.find() && Long.parseLong(rx.group(1)) > 0, "the worker forwarded nothing: " + run);
        assertTrue(run.contains("mbufs: all 16383 back in pool"), run);
        assertTrue(in("worker", "env", "VHOSTPATH_JAVA_OPTS=-Xlog:class+load=info", "vhostpath-worker", "--version")
                .contains("io.vhostpath.worker.WorkerMain source: shared objects file"), "the image's own AOT cache is used");
    }

    @Test
    void the_kubevirt_hook_image_starts_the_sidecar_by_itself() throws Exception {
        assertEquals("vhostpath-kubevirt-hook " + VERSION + "\n", in("kubevirt-hook", "--version"));
        assertTrue(in("kubevirt-hook", "--help").startsWith("usage: vhostpath-kubevirt-hook"));
        assertTrue(in("node", "ip", "-V").contains("iproute2"), "iproute2 is there for the administrator");
    }
}
