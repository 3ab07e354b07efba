package io.vhostpath.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vhostpath.operator.agent.NodeStateAgent;
import io.vhostpath.operator.agent.NodeStateAgentMain;
import io.vhostpath.operator.customresource.NodeStateSpec;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.operator.reconciler.NodeStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API-driven node agent on this host against the CRUD mock server: it follows its node state's generation and
 * reports a typed status. The host has no vDPA kernel side (the guest tier has), so what it reports here is the
 * agent's honest failure to observe, which must reach the API as a Ready=False condition and lastError.
 */
@EnableKubernetesMockClient(crud = true)
class NodeStateAgentTest {
    static KubernetesClient client;
    @TempDir Path tmp;

    @Test
    void it_reports_each_generation_it_saw_with_a_ready_condition() throws Exception {
        var state = new VhostVdpaNodeState();
        state.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("w1").build());
        state.setSpec(new NodeStateSpec());
        state.getSpec().node = "w1";
        state.getSpec().policies = List.of(NodeStatesEntries.vhost("vhostpath/a", "ens9f0"));
        client.resource(state).create();
        try (var agent = new NodeStateAgent(client, "w1", () -> NodeStateAgentMain.session(tmp.resolve("owned.json")),
                tmp.resolve("desired-state.json")).start(60_000)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var s = client.resources(VhostVdpaNodeState.class).withName("w1").get();
                assertNotNull(s.getStatus(), "no status yet");
                assertEquals(s.getMetadata().getGeneration(), s.getStatus().observedGeneration);
                var ready = s.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
                assertTrue(ready.getStatus().equals("True") || s.getStatus().lastError != null, s.getStatus().toString());
            });
            var before = client.resources(VhostVdpaNodeState.class).withName("w1").get();
            client.resources(VhostVdpaNodeState.class).withName("w1").edit(s -> {
                s.getSpec().policies = List.of();
                return s;
            });
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var s = client.resources(VhostVdpaNodeState.class).withName("w1").get();
                assertTrue(s.getMetadata().getGeneration() > before.getMetadata().getGeneration(), "the spec change bumps the generation");
                assertEquals(s.getMetadata().getGeneration(), s.getStatus().observedGeneration);
            });
            String error = client.resources(VhostVdpaNodeState.class).withName("w1").get().getStatus().lastError;
            System.out.println("node state agent on this host: " + error);
            assertTrue(error == null || !error.contains("owning thread"), "netlink used from its own thread: " + error);
            assertEquals(NodeStates.document("w1", List.of()) + "\n", java.nio.file.Files.readString(tmp.resolve("desired-state.json")),
                    "the spec in force, for the device plugin");
        }
    }
}
