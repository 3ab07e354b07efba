package io.vhostpath.cni;

import io.vhostpath.ovsdb.OvsTestbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real CNI runtime: podman 4.3 with its CNI backend, private configuration and storage (TESTBED.md), runs a container
 * on a network whose conflist calls the plugin binary (vhost-user mode: this host has no vDPA) with host-local IPAM.
 * podman calls VERSION and ADD at `run`, DEL at `rm`; the test checks each step's effect in OVS, IPAM and the state.
 */
class PodmanProcessTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    @TempDir
    static Path dir;
    static OvsTestbed ovs;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(OvsTestbed.installed() && Files.isExecutable(Path.of("/usr/bin/podman")) && Files.isExecutable(Path.of("/bin/busybox")),
                "podman, busybox-static or Open vSwitch not installed: run scripts/setup.sh");
        ovs = OvsTestbed.start(Files.createDirectories(dir.resolve("ovs")));
        ovs.vsctl("add-br", "br-pm", "--", "set", "Bridge", "br-pm", "datapath_type=netdev");
        for (String d : List.of("net", "plugins", "rootfs/bin", "storage/root", "storage/run", "sock")) Files.createDirectories(dir.resolve(d));
        Files.createSymbolicLink(dir.resolve("plugins/vhostpath-cni"), ROOT.resolve("bin/vhostpath-cni"));
        Files.writeString(dir.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
                [network]
                network_backend = "cni"
                network_config_dir = "%s"
                cni_plugin_dirs = ["%s", "/usr/lib/cni"]
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                runtime = "runc"
                """.formatted(dir.resolve("net"), dir.resolve("plugins")));
        Files.writeString(dir.resolve("storage.conf"), """
                [storage]
                driver = "overlay"
                graphroot = "%s"
                runroot = "%s"
                """.formatted(dir.resolve("storage/root"), dir.resolve("storage/run")));
        Files.writeString(dir.resolve("net/vu-pm.conflist"), """
                {"cniVersion": "1.0.0", "name": "vu-pm", "plugins": [{"type": "vhostpath-cni", "mode": "vhost-user",
                  "bridge": "br-pm", "ovsdbSocket": "%s", "stateDir": "%s", "socketDir": "%s",
                  "ipam": {"type": "host-local", "subnet": "10.88.77.0/24", "dataDir": "%s"}}]}
                """.formatted(ovs.dbSocket(), dir.resolve("state"), dir.resolve("sock"), dir.resolve("ipam")));
        env = Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString());
        // No registry here: an image from busybox-static.
        Files.copy(Path.of("/bin/busybox"), dir.resolve("rootfs/bin/busybox"));
        for (String tool : List.of("sh", "ls", "sleep")) Files.createSymbolicLink(dir.resolve("rootfs/bin").resolve(tool), Path.of("busybox"));
        podman("sh", "-c", "tar -C " + dir.resolve("rootfs") + " -c . | podman import --change 'CMD [\"/bin/sh\"]' - localhost/vp-bb:latest");
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovs == null) return;
        podman("podman", "rm", "-f", "--all");
        podman("podman", "system", "reset", "--force");
        ovs.close();
    }

    private static String podman(String... cmd) throws Exception {
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static List<String> files(Path d, String suffix) throws Exception {
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix) || n.startsWith("10.")).sorted().toList();
        }
    }

    @Test
    void podman_run_attaches_through_the_plugin_and_podman_rm_detaches_leaving_nothing() throws Exception {
        String id = podman("podman", "run", "-d", "--name", "vp-cni-1", "--network", "vu-pm", "-v",
                dir.resolve("sock") + ":/vhost-user", "localhost/vp-bb", "sleep", "600");
        String port = VhostUserPorts.portName(id + "-eth0");
        assertEquals("dpdkvhostuserclient", ovs.vsctl("get", "Interface", port, "type"), "ADD plugged the port");
        assertEquals("\"" + dir.resolve("sock").resolve(id.substring(0, 12) + "-eth0.sock") + "\"",
                ovs.vsctl("get", "Interface", port, "options:vhost-server-path"));
        assertEquals(List.of(id + "-eth0.json"), files(dir.resolve("state"), ".json"));
        String ip = podman("podman", "inspect", "vp-cni-1", "--format", "{{(index .NetworkSettings.Networks \"vu-pm\").IPAddress}}");
        assertTrue(ip.startsWith("10.88.77."), "podman recorded the plugin's result: " + ip);
        assertEquals(List.of(ip), files(dir.resolve("ipam/vu-pm"), "-"), "host-local holds the lease");
        // The container sees the socket directory where its DPDK application would serve the socket.
        assertEquals("", podman("podman", "exec", "vp-cni-1", "ls", "/vhost-user"));

        podman("podman", "rm", "-f", "vp-cni-1");
        assertEquals("", ovs.vsctl("list-ports", "br-pm"), "DEL unplugged the port");
        assertEquals(List.of(), files(dir.resolve("state"), ".json"));
        assertEquals(List.of(), files(dir.resolve("ipam/vu-pm"), "-"), "DEL released the lease");
    }
}
