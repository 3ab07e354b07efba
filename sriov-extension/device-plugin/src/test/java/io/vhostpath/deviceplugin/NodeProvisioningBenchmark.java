package io.vhostpath.deviceplugin;

import io.vhostpath.devlink.Devlink;
import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.NodeAgent;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.node.OwnedState;
import io.vhostpath.node.kernel.Netdevsim;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code make kernel-bench} (in the guest): provisioning a PF with N VFs end to end (VF count, switchdev,
 * representors resolved, one vDPA device per VF created, bound to vhost_vdpa and its /dev node checked, then the
 * device plugin's view: inventory and health of every device) through the node agent in process, against the same
 * steps as shell tooling does them (a sysfs write, {@code devlink} processes, and per device a {@code vdpa dev add}
 * process and a {@code sh} doing the bind and the node check). Rounds alternate; the teardown between them is not
 * timed. The first agent round warms the JVM and is not counted.
 */
public final class NodeProvisioningBenchmark {
    private static final int ID = 11;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String pf = newPf(n);
        DesiredState desired = DesiredState.decode("""
                {"node": "guest", "policies": [{"name": "bench", "resourceName": "bench", "numVfs": %d, "eSwitchMode": "switchdev",
                 "vdpaType": "vhost", "vdpaMgmtDevice": "vdpasim_net", "macPolicy": "random", "nicSelector": {"pfNames": ["%s"]}}]}"""
                .formatted(n, pf));
        DesiredState none = DesiredState.decode("{\"node\": \"guest\", \"policies\": []}");
        Path state = Files.createTempDirectory("bench-agent").resolve("owned.json");
        var agentMs = new ArrayList<Double>();
        var shellMs = new ArrayList<Double>();
        try (var devlink = Devlink.open(); var vdpa = VdpaProvisioner.system()) {
            var agent = new NodeAgent(NodeSysfs.system(), devlink, vdpa, OwnedState.load(state), (k, s) -> { });
            for (int r = -1; r < rounds; r++) {
                long t0 = System.nanoTime();
                var pass = agent.reconcile(desired);
                int healthy = advertise(desired);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (!pass.converged() || healthy != n) throw new IllegalStateException("agent: " + pass.problems() + ", " + healthy + " healthy");
                if (!agent.reconcile(none).converged()) throw new IllegalStateException("agent teardown failed");
                if (r < 0) continue;
                agentMs.add(ms);
                long t1 = System.nanoTime();
                shellWay(n);
                shellMs.add((System.nanoTime() - t1) / 1e6);
                if (advertise(desired) != n) throw new IllegalStateException("the shell way left " + advertise(desired) + " healthy devices");
                for (var d : vdpa.list()) vdpa.release(d.name());
                Files.writeString(Netdevsim.numVfs(ID), "0");
                devlink.setEswitchMode("netdevsim/netdevsim" + ID, EswitchMode.LEGACY);
                System.out.printf(Locale.ROOT, "round %d: node agent %.1f ms, devlink + vdpa + sh %.1f ms for %d VFs%n", r + 1,
                        agentMs.getLast(), shellMs.getLast(), n);
            }
        } finally {
            Netdevsim.remove(ID);
        }
        double a = median(agentMs);
        double s = median(shellMs);
        System.out.printf(Locale.ROOT, "median: node agent %.2f ms/VF, devlink + vdpa + sh %.2f ms/VF, ratio (shell/agent) %.1fx%n",
                a / n, s / n, s / a);
    }

    /** A netdevsim PF that allows {@code n} VFs (its default is 4; debugfs raises it). */
    private static String newPf(int n) throws Exception {
        String pf = Netdevsim.fresh(ID);
        Path debug = Path.of("/sys/kernel/debug");
        if (!Files.exists(debug.resolve("netdevsim"))) run("mount", "-t", "debugfs", "debugfs", debug.toString());
        Files.writeString(debug.resolve("netdevsim/netdevsim" + ID + "/max_vfs"), Integer.toString(n));
        return pf;
    }

    /** The device plugin's poll: the resource's devices and the health of each. */
    private static int advertise(DesiredState desired) {
        int healthy = 0;
        for (var devices : Inventory.resources(desired, NodeSysfs.system()).values()) {
            for (PluginDevice d : devices) if (DeviceHealth.check(d, VdpaSysfs.system()).healthy()) healthy++;
        }
        return healthy;
    }

    private static void shellWay(int n) throws Exception {
        String handle = "netdevsim/netdevsim" + ID;
        run("sh", "-c", "echo " + n + " > /sys/bus/netdevsim/devices/netdevsim" + ID + "/sriov_numvfs");
        run("devlink", "dev", "eswitch", "set", handle, "mode", "switchdev");
        run("devlink", "-j", "port", "show");
        for (int i = 0; i < n; i++) {
            String name = "vdpa:netdevsim" + ID + "-vf" + i;
            run("vdpa", "dev", "add", "mgmtdev", "vdpasim_net", "name", name, "mac", String.format("02:00:00:00:01:%02x", i));
            run("sh", "-c", """
                    d=/sys/bus/vdpa/devices/$1
                    cur=$(basename "$(readlink $d/driver)")
                    if [ "$cur" != vhost_vdpa ]; then
                      [ -n "$cur" ] && echo $1 > /sys/bus/vdpa/drivers/$cur/unbind
                      echo vhost_vdpa > $d/driver_override
                      echo $1 > /sys/bus/vdpa/drivers/vhost_vdpa/bind
                      echo > $d/driver_override
                    fi
                    node=$(ls $d | grep vhost-vdpa-)
                    [ "$(stat -c %t:%T /dev/$node)" = "$(printf '%x:%x' $(tr ':' ' ' < $d/$node/dev))" ]
                    """, "sh", name);
        }
    }

    private static void run(String... cmd) throws Exception {
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(List.of(cmd) + " failed: " + out);
    }

    private static double median(List<Double> v) {
        var s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
