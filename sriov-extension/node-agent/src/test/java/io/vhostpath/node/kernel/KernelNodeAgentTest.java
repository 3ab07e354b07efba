package io.vhostpath.node.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostpath.devlink.Devlink;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.NodeAgent;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.node.OwnedState;
import io.vhostpath.vdpa.VdpaProvisioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node agent ({@code bin/vhostpath-node-agent}, a real process) against the guest's kernel: a netdevsim device
 * as the SR-IOV PF (devlink eswitch, VFs, representors) and the vDPA simulator for the VFs' devices. The node is
 * judged by iproute2 ({@code devlink -j}, {@code vdpa -j}) and sysfs, not by the agent's own library.
 */
@Tag("kernel")
class KernelNodeAgentTest {
    private static final int PF_ID = 8;
    private static final int OTHER_ID = 9;
    private static final String HANDLE = "netdevsim/netdevsim" + PF_ID;
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;
    private String pf;

    private String other;

    @BeforeEach
    void freshDevices() throws Exception {
        deleteAllVdpaDevices();
        pf = Netdevsim.fresh(PF_ID);
        other = Netdevsim.fresh(OTHER_ID);
    }

    @AfterEach
    void clean() throws Exception {
        deleteAllVdpaDevices();
        Netdevsim.remove(PF_ID);
        Netdevsim.remove(OTHER_ID);
    }

    private static void deleteAllVdpaDevices() throws Exception {
        for (var it = iproute2("vdpa", "dev", "show").path("dev").fieldNames(); it.hasNext(); ) run("vdpa", "dev", "del", it.next());
    }

    private static JsonNode iproute2(String tool, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(tool, "-j"));
        cmd.addAll(List.of(args));
        return JSON.readTree(run(cmd.toArray(String[]::new)));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private Path desired(int numVfs, String range) throws Exception {
        Path f = tmp.resolve("desired-" + numVfs + range.replace('#', '_') + ".json");
        Files.writeString(f, """
                {"node": "guest", "policies": [{"name": "sim", "resourceName": "vdpa_sim", "numVfs": %d, "eSwitchMode": "switchdev",
                 "vdpaType": "vhost", "vdpaMgmtDevice": "vdpasim_net", "macPolicy": "random", "mtu": 1500,
                 "nicSelector": {"pfNames": ["%s%s"]}}]}""".formatted(numVfs, pf, range));
        return f;
    }

    private Path empty() throws Exception {
        Path f = tmp.resolve("desired-empty.json");
        Files.writeString(f, "{\"node\": \"guest\", \"policies\": []}");
        return f;
    }

    record Outcome(int exit, String out, String err) {}

    private Outcome agent(Path desired, String... extra) throws Exception {
        var cmd = new ArrayList<>(List.of("bin/vhostpath-node-agent", "--once", "--desired-state", desired.toString(),
                "--state-dir", tmp.resolve("state").toString()));
        cmd.addAll(List.of(extra));
        Path err = tmp.resolve("agent.err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the agent did not finish");
        return new Outcome(p.exitValue(), out, Files.readString(err));
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(Files.readString(tmp.resolve("state/status.json")));
    }

    /** The node as iproute2 and sysfs show it: eswitch mode, VF count, representors, vDPA devices with driver and node. */
    private Map<String, Object> node() throws Exception {
        var m = new TreeMap<String, Object>();
        m.put("eswitch", iproute2("devlink", "dev", "eswitch", "show", HANDLE).path("dev").path(HANDLE).path("mode").asText());
        m.put("numVfs", Files.readString(Netdevsim.numVfs(PF_ID)).strip());
        var reps = new ArrayList<String>();
        iproute2("devlink", "port", "show").path("port").properties().forEach(e -> {
            if (e.getKey().startsWith(HANDLE + "/") && e.getValue().path("flavour").asText().equals("pcivf")) {
                // a representor is a VF port with a netdev (its name is the kernel's choice, not checked)
                reps.add("vf" + e.getValue().path("vfnum").asInt() + (e.getValue().path("netdev").asText().isEmpty() ? " without netdev" : ""));
            }
        });
        m.put("representors", reps.stream().sorted().toList());
        var devices = new TreeMap<String, String>();
        for (var e : iproute2("vdpa", "dev", "show").path("dev").properties()) {
            String name = e.getKey();
            Path dir = Path.of("/sys/bus/vdpa/devices", name);
            String driver = Files.exists(dir.resolve("driver")) ? dir.resolve("driver").toRealPath().getFileName().toString() : "none";
            String node = "none";
            try (var s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith("vhost-vdpa-")).toList()) {
                    Path dev = Path.of("/dev", p.getFileName().toString());
                    node = Files.exists(dev) ? dev.toString() : "missing " + dev;
                }
            }
            devices.put(name, e.getValue().path("mgmtdev").asText() + " " + driver + " " + (node.startsWith("/dev/vhost-vdpa-") ? "node" : node));
        }
        m.put("vdpa", devices);
        return m;
    }

    private Map<String, Object> wanted(int numVfs, int devices) {
        var m = new TreeMap<String, Object>();
        m.put("eswitch", "switchdev");
        m.put("numVfs", Integer.toString(numVfs));
        var reps = new ArrayList<String>();
        for (int i = 0; i < numVfs; i++) reps.add("vf" + i);
        m.put("representors", reps);
        var d = new TreeMap<String, String>();
        for (int i = 0; i < devices; i++) d.put("vdpa:netdevsim" + PF_ID + "-vf" + i, "vdpasim_net vhost_vdpa node");
        m.put("vdpa", d);
        return m;
    }

    @Test
    void converges_from_a_desired_state_file_and_a_second_run_changes_nothing() throws Exception {
        Outcome first = agent(desired(2, ""));
        assertEquals(0, first.exit(), first.out() + first.err());
        assertEquals(wanted(2, 2), node());
        JsonNode st = status();
        assertEquals("True", st.path("conditions").path(0).path("status").asText(), st.toString());
        JsonNode mine = null;
        for (JsonNode p : st.path("pfs")) if (p.path("netdev").asText().equals(pf)) mine = p;
        assertTrue(mine != null && mine.path("selected").asBoolean(), st.toString());
        JsonNode vf0 = mine.path("vfs").path(0);
        assertTrue(vf0.path("vdpaDevice").path("path").asText().startsWith("/dev/vhost-vdpa-"), st.toString());
        assertFalse(vf0.path("representor").asText().isEmpty(), st.toString());
        assertEquals("vdpa_sim", vf0.path("resourceName").asText());

        Outcome second = agent(desired(2, ""));
        assertEquals(0, second.exit(), second.out() + second.err());
        assertTrue(second.out().contains("converged: 0 change(s)"), second.out());
        assertEquals(0, status().path("steps").size());
    }

    @Test
    void killed_before_each_step_in_turn_it_converges_on_the_rerun() throws Exception {
        Path d = desired(2, "");
        int k = 1;
        for (; ; k++) {
            var cmd = List.of("bin/vhostpath-node-agent", "--once", "--desired-state", d.toString(), "--state-dir",
                    tmp.resolve("state").toString(), "--hold-before-step", Integer.toString(k));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            boolean held = false;
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.equals("holding before step " + k)) {
                        held = true;
                        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
                        break;
                    }
                }
            }
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            if (!held) {
                assertEquals(0, p.exitValue(), "every step done before step " + k + ": it converged");
                break;
            }
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            Outcome rerun = agent(d);
            assertEquals(0, rerun.exit(), "rerun after a kill before step " + k + ": " + rerun.out() + rerun.err());
            assertEquals(wanted(2, 2).get("vdpa"), node().get("vdpa"), "after a kill before step " + k);
            assertEquals("switchdev", node().get("eswitch"));
            assertEquals("2", node().get("numVfs"));
            // back to the bare node for the next drill, through the agent itself
            Outcome reset = agent(empty());
            assertEquals(0, reset.exit(), reset.out() + reset.err());
            assertEquals(Map.of(), node().get("vdpa"));
        }
        assertTrue(k >= 6, "a fresh node takes 5 steps (record, VFs, switchdev, two devices); drilled " + (k - 1));
    }

    @Test
    void a_reduced_desired_state_removes_what_the_agent_owns_and_nothing_else() throws Exception {
        assertEquals(0, agent(desired(2, "")).exit());
        run("vdpa", "dev", "add", "name", "foreign0", "mgmtdev", "vdpasim_net");
        Files.writeString(Netdevsim.numVfs(OTHER_ID), "1");

        Outcome narrower = agent(desired(2, "#0-0"));
        assertEquals(0, narrower.exit(), narrower.out() + narrower.err());
        var devices = (Map<?, ?>) node().get("vdpa");
        assertEquals(List.of("foreign0", "vdpa:netdevsim" + PF_ID + "-vf0"), devices.keySet().stream().map(String::valueOf).sorted().toList());

        Outcome none = agent(empty());
        assertEquals(0, none.exit(), none.out() + none.err());
        Map<String, Object> after = node();
        assertEquals(List.of("foreign0"), ((Map<?, ?>) after.get("vdpa")).keySet().stream().map(String::valueOf).toList());
        assertEquals("legacy", after.get("eswitch"), "put back as found");
        assertEquals("0", after.get("numVfs"));
        assertEquals("1", Files.readString(Netdevsim.numVfs(OTHER_ID)).strip(), "not the agent's PF");
        JsonNode owned = JSON.readTree(Files.readString(tmp.resolve("state/owned.json")));
        assertEquals(0, owned.path("pfs").size(), owned.toString());
        assertEquals(0, owned.path("vdpaDevices").size(), owned.toString());
    }

    @Test
    void as_a_daemon_it_follows_the_desired_state_file_within_seconds() throws Exception {
        Path d = tmp.resolve("daemon.json");
        Files.copy(desired(2, ""), d);
        Process p = new ProcessBuilder("bin/vhostpath-node-agent", "--desired-state", d.toString(), "--interval", "3600",
                "--state-dir", tmp.resolve("state").toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        try {
            awaitNode(wanted(2, 2), p);
            long t0 = System.nanoTime();
            Files.copy(desired(2, "#0-0"), d, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            awaitNode(wanted(2, 1), p);
            System.out.println("node agent daemon: an edit of the desired state applied in " + (System.nanoTime() - t0) / 1_000_000
                    + " ms (interpreted JVM under TCG; interval 3600 s)");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
    }

    /** Waits (up to 120 s) for the node to look as wanted, while the daemon runs. */
    private void awaitNode(Map<String, Object> wanted, Process daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<String, Object> now = null;
        while (System.nanoTime() < deadline) {
            assertTrue(daemon.isAlive(), () -> "the daemon exited: " + read(tmp.resolve("daemon.log")));
            now = node();
            if (now.equals(wanted)) return;
            Thread.sleep(200);
        }
        throw new AssertionError("the node is " + now + ", wanted " + wanted + "; log: " + read(tmp.resolve("daemon.log")));
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void hundreds_of_passes_in_one_process_hold_file_descriptors_threads_and_heap_steady() throws Exception {
        DesiredState d = DesiredState.decode(Files.readString(desired(2, "")));
        try (var devlink = Devlink.open(); var vdpa = VdpaProvisioner.system()) {
            var agent = new NodeAgent(NodeSysfs.system(), devlink, vdpa, OwnedState.load(tmp.resolve("soak/owned.json")), (n, s) -> { });
            assertTrue(agent.reconcile(d).converged());
            for (int i = 0; i < 10; i++) agent.reconcile(d); // warm up
            System.gc();
            long fds = openFds();
            int threads = Thread.activeCount();
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            int passes = 150;
            for (int i = 0; i < passes; i++) {
                var pass = agent.reconcile(d);
                assertTrue(pass.converged() && pass.steps().isEmpty(), pass.toString());
            }
            System.gc();
            long grown = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory() - heap;
            System.out.println("node agent: " + passes + " idle passes: fds " + fds + " -> " + openFds() + ", threads " + threads + " -> "
                    + Thread.activeCount() + ", heap " + (grown >> 10) + " KiB after GC");
            assertEquals(fds, openFds(), "no descriptor leaks per pass");
            assertEquals(threads, Thread.activeCount());
            assertTrue(grown < 8L << 20, "heap grew " + (grown >> 10) + " KiB");
        }
    }

    private static long openFds() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void bad_input_is_a_problem_naming_the_pf_and_the_kernels_errno_and_other_pfs_go_on() throws Exception {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, """
                {"node": "guest", "policies": [
                 {"name": "too-many", "resourceName": "a", "numVfs": 5, "eSwitchMode": "switchdev", "vdpaType": "vhost",
                  "vdpaMgmtDevice": "vdpasim_net", "nicSelector": {"pfNames": ["%s"]}},
                 {"name": "missing", "resourceName": "b", "numVfs": 1, "nicSelector": {"pfNames": ["ens9f9"]}},
                 {"name": "fine", "resourceName": "c", "numVfs": 1, "nicSelector": {"pfNames": ["%s"]}}]}""".formatted(pf, other));
        Outcome o = agent(f);
        assertEquals(1, o.exit(), o.out() + o.err());
        JsonNode st = status();
        assertEquals("False", st.path("conditions").path(0).path("status").asText());
        var problems = new ArrayList<String>();
        st.path("problems").forEach(p -> problems.add(p.path("subject").asText() + "|" + p.path("errno").asInt() + "|" + p.path("message").asText()));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(pf + "|12|") && p.contains("sriov_numvfs") && p.contains("Cannot allocate memory")),
                "netdevsim refuses more VFs than its max_vfs (4) with ENOMEM: " + problems);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("ens9f9|0|policy missing: PF ens9f9 not found")), problems.toString());
        assertEquals("1", Files.readString(Netdevsim.numVfs(OTHER_ID)).strip(), "the good policy was applied");
        assertEquals("0", Files.readString(Netdevsim.numVfs(PF_ID)).strip());
    }
}
