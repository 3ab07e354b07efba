package io.vhostpath.operator.agent;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vhostpath.devlink.Devlink;
import io.vhostpath.node.NodeAgent;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.node.OwnedState;
import io.vhostpath.vdpa.VdpaProvisioner;

import java.nio.file.Path;

/**
 * {@code vhostpath-node-agent --node-state NODE}: the node agent taking its desired state from the node's
 * VhostVdpaNodeState and reporting to its status (in-cluster credentials, or KUBECONFIG). Runs until killed.
 */
public final class NodeStateAgentMain {
    private NodeStateAgentMain() {}

    static final String USAGE = "usage: vhostpath-node-agent --node-state NODE [--state-dir DIR] [--interval SECONDS (30)]\n";

    public static void main(String[] args) throws Exception {
        if (io.vhostpath.sys.Version.answered("vhostpath-node-agent", USAGE, args)) return;
        String node = null;
        Path stateDir = Path.of("/var/lib/vhostpath/node-agent");
        long interval = 30_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--node-state" -> node = value(args, ++i);
                case "--state-dir" -> stateDir = Path.of(value(args, ++i));
                case "--interval" -> interval = Long.parseLong(value(args, ++i)) * 1000;
                default -> {
                    System.err.print("vhostpath-node-agent: unknown argument '" + args[i] + "'\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        if (node == null) {
            System.err.println("vhostpath-node-agent: --node-state NODE is required (the downward API's spec.nodeName)");
            System.exit(2);
        }
        Path owned = stateDir.resolve("owned.json");
        try (var client = new KubernetesClientBuilder().build(); var agent = new NodeStateAgent(client, node, () -> session(owned),
                stateDir.resolve("desired-state.json")).start(interval)) {
            Thread.currentThread().join();
        }
    }

    /** The agent on this node's kernel: its netlink sockets and ownership record. */
    public static NodeStateAgent.Session session(Path ownedFile) {
        var owned = OwnedState.load(ownedFile);
        var devlink = Devlink.open();
        var vdpa = VdpaProvisioner.system();
        return new NodeStateAgent.Session(new NodeAgent(NodeSysfs.system(), devlink, vdpa, owned, (n, s) -> { }), owned, () -> {
            vdpa.close();
            devlink.close();
        });
    }

    private static String value(String[] args, int i) {
        if (i < args.length) return args[i];
        System.err.println("vhostpath-node-agent: " + args[i - 1] + " needs a value");
        System.exit(2);
        return null;
    }
}
