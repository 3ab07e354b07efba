package io.vhostpath.vdpa.kernel;

import io.vhostpath.net.MacAddress;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.VdpaClient;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.net.Links;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code make kernel-bench} (in the guest): create N vDPA devices, make sure each is bound to vhost_vdpa, and
 * resolve its /dev node: through the library in process, and the way shell-based tooling does it (one
 * {@code vdpa dev add} process and one {@code sh} doing the sysfs reads and writes per device). Rounds alternate;
 * deleting the devices between rounds is not timed.
 */
public final class ControlBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var library = new ArrayList<Double>();
        var shell = new ArrayList<Double>();
        try (var vdpa = VdpaClient.open()) {
            var provisioner = new VdpaProvisioner(vdpa, VdpaSysfs.system(), Links::open);
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    String name = "bench" + i;
                    provisioner.provision(NewDevice.of(name, "vdpasim_net").withMac(mac(i)), VdpaDriver.VHOST_VDPA);
                }
                library.add((System.nanoTime() - t0) / 1e6);
                clean(vdpa);
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) shellWay("bench" + i, i);
                shell.add((System.nanoTime() - t1) / 1e6);
                if (vdpa.devices().size() != n) throw new IllegalStateException("shell way made " + vdpa.devices().size() + " devices");
                clean(vdpa);
                System.out.printf(Locale.ROOT, "round %d: library %.1f ms, vdpa + sh %.1f ms for %d devices%n", r + 1,
                        library.getLast(), shell.getLast(), n);
            }
        }
        double lib = median(library);
        double sh = median(shell);
        System.out.printf(Locale.ROOT, "median: library %.2f ms/device, vdpa + sh %.2f ms/device, ratio (shell/library) %.1fx%n",
                lib / n, sh / n, sh / lib);
    }

    private static MacAddress mac(int i) {
        return new MacAddress(0x02_00_00_00_00_00L | i);
    }

    private static void shellWay(String name, int i) throws Exception {
        run("vdpa", "dev", "add", "mgmtdev", "vdpasim_net", "name", name, "mac", String.format("02:00:00:00:00:%02x", i));
        String script = """
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
                """;
        run("sh", "-c", script, "sh", name);
    }

    private static void run(String... cmd) throws Exception {
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(List.of(cmd) + " failed: " + out);
    }

    private static void clean(VdpaClient vdpa) {
        for (var d : vdpa.devices()) vdpa.delete(d.name());
    }

    private static double median(List<Double> v) {
        var s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
