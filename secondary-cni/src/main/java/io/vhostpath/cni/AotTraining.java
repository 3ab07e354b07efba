package io.vhostpath.cni;

import io.vhostpath.net.NetworkNamespace;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The AOT cache's training run (scripts/cni-aot.sh): the calls a node makes, in one JVM, so the cache holds what they
 * load and link: VERSION; ADD up to the OVS plug for both modes (no OVS answers, so nothing is created); DEL with
 * IPAM delegated to host-local when it is installed; the native layer a vDPA ADD opens (a namespace, a netlink socket).
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path cniDir = Path.of(args.length > 1 ? args[1] : "/usr/lib/cni");
        var plugin = CniPlugin.system();
        String ipam = Files.isExecutable(cniDir.resolve("host-local"))
                ? ",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.255.0.0/30\",\"dataDir\":\"" + work.resolve("ipam") + "\"}" : "";
        String base = "\"name\":\"aot\",\"type\":\"vhostpath-cni\",\"bridge\":\"br0\",\"stateDir\":\"" + work.resolve("state")
                + "\",\"ovsdbSocket\":\"" + work.resolve("none.sock") + "\",\"socketDir\":\"" + work.resolve("sock") + "\"";
        for (String version : NetConf.SUPPORTED_VERSIONS) {
            String head = "{\"cniVersion\":\"" + version + "\"," + base;
            call(plugin, "VERSION", head + "}");
            call(plugin, "ADD", head + ",\"mode\":\"vhost-user\",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:01\"}" + ipam + "}");
            call(plugin, "ADD", head + ",\"deviceID\":\"vdpa-aot\"" + ipam + "}");
            call(plugin, "DEL", head + ",\"mode\":\"vhost-user\"" + ipam + "}");
            call(plugin, "DEL", head + ",\"deviceID\":\"vdpa-aot\"" + ipam + "}");
        }
        try (var ns = NetworkNamespace.open(Path.of("/proc/self/ns/net"))) {
            ns.call(() -> null);
        }
        try (var vdpa = io.vhostpath.vdpa.VdpaProvisioner.system()) {
            vdpa.list();
        } catch (RuntimeException noVdpaHere) {
            // a host without the vdpa module: the socket was still opened and asked
        }
    }

    private static void call(CniPlugin plugin, String command, String stdin) {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", "aot-training",
                "CNI_IFNAME", "net1", "CNI_NETNS", "/proc/self/ns/net", "CNI_PATH", "/usr/lib/cni:/opt/cni/bin",
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        CniMain.run(env, stdin, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), plugin);
    }
}
