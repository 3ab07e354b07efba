package io.vhostpath.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vhostpath.operator.reconciler.PolicyController;

import java.net.InetAddress;
import java.time.Duration;

/**
 * {@code vhostpath-controller}: the policy controller, one active replica at a time by a Lease in its namespace;
 * a replica that loses the lease exits so that it restarts as a follower with empty caches.
 */
public final class ControllerMain {
    private ControllerMain() {}

    static final String USAGE = "usage: vhostpath-controller [--namespace NS (POD_NAMESPACE)] [--resync SECONDS (600)]\n";

    public static void main(String[] args) throws Exception {
        if (io.vhostpath.sys.Version.answered("vhostpath-controller", USAGE, args)) return;
        String namespace = System.getenv().getOrDefault("POD_NAMESPACE", "vhostpath");
        long resync = 600_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--namespace" -> namespace = value(args, ++i);
                case "--resync" -> resync = Long.parseLong(value(args, ++i)) * 1000;
                default -> {
                    System.err.print("vhostpath-controller: unknown argument '" + args[i] + "'\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        String ns = namespace;
        long resyncMillis = resync;
        String identity = System.getenv().getOrDefault("POD_NAME", InetAddress.getLocalHost().getHostName());
        try (KubernetesClient client = new KubernetesClientBuilder().build(); KubernetesClient election = electionClient(client.getConfiguration())) {
            var controller = new PolicyController(client, ns);
            elector(election, ns, identity,
                    () -> {
                        System.err.println("vhostpath-controller: " + identity + " leads; reconciling " + ns);
                        controller.start(resyncMillis);
                    },
                    () -> {
                        System.err.println("vhostpath-controller: " + identity + " lost the lease; exiting");
                        System.exit(1);
                    }).run();
        }
    }

    /**
     * The elector's own client. A renewal must fail within the renew deadline when the API server is away: with the
     * client's default retries (10, backing off exponentially) one renewal blocks for minutes, the replica goes on
     * leading while another takes the expired lease, and two controllers write.
     */
    public static KubernetesClient electionClient(Config config) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).withRequestRetryBackoffLimit(0)
                .withRequestTimeout(2_000).withConnectionTimeout(2_000).build()).build();
    }

    /** The Lease-based election of the one active replica in {@code namespace}; give it an {@link #electionClient}. */
    public static LeaderElector elector(KubernetesClient client, String namespace, String identity, Runnable onLead, Runnable onLoss) {
        return client.leaderElector().withConfig(new LeaderElectionConfigBuilder().withName("vhostpath-controller")
                .withLock(new LeaseLock(namespace, "vhostpath-controller", identity))
                .withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10)).withRetryPeriod(Duration.ofSeconds(2))
                .withLeaderCallbacks(new LeaderCallbacks(onLead, onLoss, leader -> System.err.println("vhostpath-controller: the leader is " + leader)))
                .withReleaseOnCancel().build()).build();
    }

    private static String value(String[] args, int i) {
        if (i < args.length) return args[i];
        System.err.println("vhostpath-controller: " + args[i - 1] + " needs a value");
        System.exit(2);
        return null;
    }
}
