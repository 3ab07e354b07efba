package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.operator.reconciler.PolicyController;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.vhostpath.operator.Policies.NS;
import static io.vhostpath.operator.Policies.node;
import static io.vhostpath.operator.Policies.onNodes;
import static io.vhostpath.operator.Policies.vhost;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 500 nodes x 20 policies on the CRUD mock server: every node gets its state, the time and the API writes it took
 * are printed, and informer resyncs afterwards cause no writes at all.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerScaleTest {
    private static final int NODES = 500;
    private static final int POLICIES = 20;
    static KubernetesClient client;

    @Test
    void five_hundred_nodes_by_twenty_policies_converge_and_resyncs_write_nothing() {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        for (int n = 0; n < NODES; n++) client.resource(node(String.format("w%03d", n), Map.of("pool", "p" + (n % 4)))).create();
        // 20 policies, 5 per node pool, each on its own VF range of ens1f0 (4 VFs apiece out of 20)
        for (int p = 0; p < POLICIES; p++) {
            int first = (p / 4) * 4;
            client.resource(onNodes(vhost("p" + p, 10, 20, "ens1f0#" + first + "-" + (first + 3)), Map.of("pool", "p" + (p % 4)))).create();
        }
        long t0 = System.nanoTime();
        try (var controller = new PolicyController(client, NS).start(1_000)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                var states = client.resources(VhostVdpaNodeState.class).list().getItems();
                assertEquals(NODES, states.size());
                for (var s : states) assertEquals(POLICIES / 4, s.getSpec().policies.size(), s.getMetadata().getName());
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (var p : client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).list().getItems()) {
                    assertTrue(p.getStatus() != null && p.getStatus().nodeCount == NODES / 4, p.getMetadata().getName());
                }
            });
            long writes = controller.writes();
            long rounds = controller.rounds();
            System.out.printf("controller scale: %d nodes x %d policies converged in %d ms, %d rounds, %d API writes (%.2f per node)%n",
                    NODES, POLICIES, ms, rounds, writes, writes / (double) NODES);
            assertTrue(writes <= NODES + 2L * POLICIES + 5, "writes " + writes + ": one per node state, finalizer + status per policy, the ConfigMap");
            long before = controller.rounds();
            // three resync periods in which nothing may be written
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> controller.writes() == writes);
            System.out.printf("controller scale: 3 s of 1 s resyncs: %d rounds, %d writes%n", controller.rounds() - before, controller.writes() - writes);
        }
    }
}
