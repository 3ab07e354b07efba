package io.vhostpath.ovsdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Open vSwitch in a private directory: ovsdb-server on a fresh database and ovs-vswitchd with the userspace
 * datapath (this host has no openvswitch kernel module), as TESTBED.md describes. {@link #close} stops both.
 */
public final class OvsTestbed implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> env;
    /** EAL's runtime directory of the DPDK build (as root, under /var/run/dpdk), removed by close. */
    private Path ealRuntimeDir;

    private OvsTestbed(Path dir) {
        this.dir = dir;
        this.env = Map.of("OVS_RUNDIR", dir.toString(), "OVS_DBDIR", dir.toString(), "OVS_LOGDIR", dir.toString(),
                "OVS_SYSCONFDIR", dir.toString(), "OVN_RUNDIR", dir.toString(), "OVN_DBDIR", dir.toString(),
                "OVN_LOGDIR", dir.toString());
    }

    /** True when the Debian packages are installed (scripts/setup.sh installs them). */
    public static boolean installed() {
        return Files.isExecutable(Path.of("/usr/sbin/ovsdb-server")) && Files.isExecutable(Path.of("/usr/sbin/ovs-vswitchd"));
    }

    public static OvsTestbed start(Path dir) throws IOException, InterruptedException {
        return start(dir, false);
    }

    /** The DPDK build of ovs-vswitchd (openvswitch-switch-dpdk), without hugepages or PCI: for vhost-user ports. */
    public static boolean dpdkInstalled() {
        return installed() && Files.isExecutable(DPDK_VSWITCHD);
    }

    private static final Path DPDK_VSWITCHD = Path.of("/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk");

    /**
     * @param dpdk run the DPDK build, with EAL on 512 MB of ordinary memory and its PMD thread on CPU 0
     */
    public static OvsTestbed start(Path dir, boolean dpdk) throws IOException, InterruptedException {
        var t = new OvsTestbed(dir);
        t.run("ovsdb-tool", "create", dir.resolve("conf.db").toString(), "/usr/share/openvswitch/vswitch.ovsschema");
        t.run("ovsdb-server", dir.resolve("conf.db").toString(), "--remote=punix:" + t.dbSocket(),
                "--pidfile=" + dir.resolve("ovsdb-server.pid"), "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log"), "--detach");
        t.vsctl("--no-wait", "init");
        if (dpdk) {
            t.ealRuntimeDir = Path.of("/var/run/dpdk/ovs-" + ProcessHandle.current().pid());
            // --legacy-mem: otherwise OVS adds --in-memory, which DPDK refuses with --no-huge.
            t.vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:dpdk-init=true", "other_config:pmd-cpu-mask=0x1",
                    // One shared pool of 262144 mbufs does not fit without hugepages: size pools per port.
                    "other_config:per-port-memory=true",
                    "other_config:dpdk-extra=\"--no-huge -m 512 --no-pci --legacy-mem --file-prefix=" + t.ealRuntimeDir.getFileName() + "\"");
        }
        t.run(dpdk ? DPDK_VSWITCHD.toString() : "ovs-vswitchd", "unix:" + t.dbSocket(), "--pidfile=" + dir.resolve("ovs-vswitchd.pid"),
                "--unixctl=" + dir.resolve("ovs-vswitchd.ctl"), "--log-file=" + dir.resolve("ovs-vswitchd.log"), "--detach");
        return t;
    }

    public Path dir() {
        return dir;
    }

    public Path dbSocket() {
        return dir.resolve("db.sock");
    }

    /** ovs-vsctl against this database: the reference tool, to check what our client wrote. */
    public String vsctl(String... args) throws IOException, InterruptedException {
        var cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + dbSocket(), "--timeout=20"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    public String run(String... cmd) throws IOException, InterruptedException {
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in 60 s: " + out);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        return out;
    }

    /** The live process a pid file names, if the file and the process are there. */
    static java.util.Optional<ProcessHandle> pidOf(Path pidFile) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException gone) {
            return java.util.Optional.empty();
        }
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    static void stop(ProcessHandle h) {
        h.destroy();
        h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> {
            h.destroyForcibly();
            return h;
        }).join();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String daemon : List.of("ovs-vswitchd", "ovsdb-server")) {
            // The pid first: a daemon asked to exit removes its pid file on the way out.
            Path pid = dir.resolve(daemon + ".pid");
            var process = pidOf(pid);
            Path ctl = dir.resolve(daemon + ".ctl");
            if (process.isPresent() && Files.exists(ctl)) {
                try {
                    run("ovs-appctl", "-t", ctl.toString(), "exit");
                } catch (IOException e) {
                    // already exiting: the wait below ends it either way
                }
            }
            process.ifPresent(OvsTestbed::stop);
        }
        if (ealRuntimeDir != null) run("rm", "-rf", ealRuntimeDir.toString());
    }
}
