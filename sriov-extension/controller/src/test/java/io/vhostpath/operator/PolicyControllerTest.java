package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vhostpath.operator.customresource.NodeStateStatus;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.operator.reconciler.PolicyController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.vhostpath.operator.Policies.NS;
import static io.vhostpath.operator.Policies.node;
import static io.vhostpath.operator.Policies.onNodes;
import static io.vhostpath.operator.Policies.vhost;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller against fabric8's mock API server in CRUD mode (informers, finalizers and the status subresource
 * work there; no kube-apiserver can run here): policies and nodes in, node states, the device-plugin ConfigMap and
 * policy status out; a label change, a deleted policy held by its finalizer until the node agents catch up, and a
 * controller restart.
 */
@EnableKubernetesMockClient(crud = true)
class PolicyControllerTest {
    static KubernetesClient client;
    private PolicyController controller;

    @BeforeEach
    void start() {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).createOr(NonDeletingOperation::update);
        controller = new PolicyController(client, NS).start(60_000);
    }

    /** The mock server lives as long as the class: each test leaves it empty. */
    @AfterEach
    void stop() {
        controller.close();
        for (var p : client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).list().getItems()) {
            client.resource(p).edit(x -> {
                x.getMetadata().setFinalizers(List.of());
                return x;
            });
            client.resource(p).delete();
        }
        client.resources(VhostVdpaNodeState.class).delete();
        client.nodes().delete();
        client.configMaps().inNamespace(NS).delete();
        client.genericKubernetesResources(io.vhostpath.operator.reconciler.UpstreamPolicies.CONTEXT).inNamespace(NS).delete();
    }

    private static VhostVdpaNodeState state(String node) {
        return client.resources(VhostVdpaNodeState.class).withName(node).get();
    }

    private static VhostVdpaNodePolicy policy(String name) {
        return client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).withName(name).get();
    }

    /** The policy's status; an assertion failure (which Awaitility retries) while there is none yet. */
    private static io.vhostpath.operator.customresource.PolicyStatus status(String name) {
        var p = policy(name);
        assertTrue(p != null && p.getStatus() != null, name + " has no status yet");
        return p.getStatus();
    }

    private static List<String> policiesOn(String node) {
        VhostVdpaNodeState s = state(node);
        return s == null ? null : s.getSpec().policies.stream().map(e -> e.name).toList();
    }

    /** What a node agent does after a pass: status Ready for the spec it saw, with one device per VF of the resource. */
    private static void agentReports(String node, String resource, int devices) {
        VhostVdpaNodeState s = state(node);
        var status = new NodeStateStatus();
        status.observedGeneration = s.getMetadata().getGeneration();
        status.conditions = List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Converged").build());
        var pf = new NodeStateStatus.PfStatus();
        pf.netdev = "ens1f0";
        for (int i = 0; i < devices; i++) {
            var vf = new NodeStateStatus.VfStatus();
            vf.index = i;
            vf.resourceName = resource;
            vf.vdpaDevice = new NodeStateStatus.VdpaDeviceStatus();
            vf.vdpaDevice.path = "/dev/vhost-vdpa-" + i;
            pf.vfs.add(vf);
        }
        status.pfs = List.of(pf);
        s.setStatus(status);
        client.resource(s).updateStatus();
    }

    /** What a node agent reports when the node cannot do what its spec asks: its PF inventory, Ready=False, its first problem. */
    private static void agentFails(String node, String pfNetdev, String problem) {
        VhostVdpaNodeState s = state(node);
        var status = new NodeStateStatus();
        status.observedGeneration = s.getMetadata().getGeneration();
        status.conditions = List.of(new ConditionBuilder().withType("Ready").withStatus("False").withReason("Problems").withMessage(problem).build());
        status.lastError = problem;
        var pf = new NodeStateStatus.PfStatus();
        pf.netdev = pfNetdev;
        status.pfs = List.of(pf);
        s.setStatus(status);
        client.resource(s).updateStatus();
    }

    private static io.fabric8.kubernetes.api.model.Condition condition(String policy, String type) {
        return status(policy).conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void a_failing_node_and_a_node_without_the_nic_degrade_the_policy_in_words_that_name_them() {
        client.resource(node("w1", Map.of())).create();
        client.resource(node("w2", Map.of())).create();
        client.resource(vhost("nic", 10, 2, "ens1f0")).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of("vhostpath/nic"), policiesOn("w2")));
        agentReports("w1", "vdpa_nic", 2);
        agentFails("w2", "ens1f0", "PF ens1f0: sriov_numvfs: errno=16 (Device or resource busy)");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals("1 of 2 node(s) ready, 2 device(s)", condition("nic", "Ready").getMessage());
            assertEquals("node w2: PF ens1f0: sriov_numvfs: errno=16 (Device or resource busy)", condition("nic", "Degraded").getMessage());
        });

        agentFails("w2", "ens2f0", "nothing asked of this node"); // its inventory: no ens1f0
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals(List.of(), policiesOn("w2"), "nothing provisioned where the NIC is not");
            assertEquals("node w2 reports no NIC matching the nicSelector", condition("nic", "Degraded").getMessage());
            assertEquals("1 of 1 node(s) ready, 2 device(s)", condition("nic", "Ready").getMessage());
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(2L, client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals("nic") && e.getMessage().startsWith("node w2")).count(),
                "a Warning event for each change of the problems"));
    }

    @Test
    void a_policy_becomes_node_states_the_plugin_config_and_a_status_that_follows_the_agents() {
        client.resource(node("w1", Map.of("sriov", "true"))).create();
        client.resource(node("w2", Map.of("sriov", "true"))).create();
        client.resource(node("m1", Map.of())).create();
        client.resource(onNodes(vhost("fast", 10, 4, "ens1f0"), Map.of("sriov", "true"))).create();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals(List.of("vhostpath/fast"), policiesOn("w1"));
            assertEquals(List.of("vhostpath/fast"), policiesOn("w2"));
        });
        assertEquals(null, state("m1"), "a node no policy selects gets no state");
        assertTrue(policy("fast").getMetadata().getFinalizers().contains(PolicyController.FINALIZER));
        var cm = client.configMaps().inNamespace(NS).withName(PolicyController.PLUGIN_CONFIG).get();
        assertEquals(List.of("w1", "w2"), cm.getData().keySet().stream().sorted().toList());
        assertTrue(cm.getData().get("w1").contains("\"vdpaType\":\"vhost\""), cm.getData().get("w1"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var st = status("fast");
            assertEquals(2, st.nodeCount);
            assertEquals(0, st.readyNodes);
        });

        agentReports("w1", "vdpa_fast", 4);
        agentReports("w2", "vdpa_fast", 4);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var st = status("fast");
            assertEquals(2, st.readyNodes);
            assertEquals(8, st.devices);
            assertEquals("True", st.conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getStatus());
        });

        client.nodes().withName("w2").edit(n -> {
            n.getMetadata().getLabels().remove("sriov");
            return n;
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of(), policiesOn("w2")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1, status("fast").nodeCount));
    }

    @Test
    void a_deleted_policy_stays_until_every_agent_has_dropped_it_even_across_a_controller_restart() {
        client.resource(node("w1", Map.of())).create();
        client.resource(vhost("gone", 10, 2, "ens1f0")).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of("vhostpath/gone"), policiesOn("w1")));
        agentReports("w1", "vdpa_gone", 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(policy("gone").getMetadata().getFinalizers() != null
                && policy("gone").getMetadata().getFinalizers().contains(PolicyController.FINALIZER)));

        controller.close(); // stopped mid-way: the deletion happens while no controller runs
        client.resource(policy("gone")).delete();
        assertTrue(policy("gone") != null && policy("gone").getMetadata().getDeletionTimestamp() != null, "held by the finalizer");
        controller = new PolicyController(client, NS).start(60_000);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of(), policiesOn("w1")));
        assertTrue(policy("gone") != null, "still there: the node agent has not seen the new spec");
        agentReports("w1", "vdpa_gone", 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(null, policy("gone")));
    }

    @Test
    void a_node_state_someone_else_keeps_rewriting_is_put_back_conflicts_and_all() {
        client.resource(node("w1", Map.of())).create();
        client.resource(vhost("mine", 10, 2, "ens1f0")).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of("vhostpath/mine"), policiesOn("w1")));
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            try {
                client.resources(VhostVdpaNodeState.class).withName("w1").edit(s -> {
                    s.getSpec().policies = List.of();
                    return s;
                });
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                assertEquals(409, e.getCode(), e.getMessage()); // the controller wrote between our read and our write
                refused++;
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of("vhostpath/mine"), policiesOn("w1")));
        System.out.println("controller: 30 foreign rewrites of a node state undone; 409s: controller " + controller.conflicts()
                + ", the other writer " + refused);
    }

    @Test
    void an_upstream_sriov_policy_with_a_vdpa_type_is_read_too_and_left_untouched() {
        client.resource(node("w1", Map.of())).create();
        for (var e : Map.of("upstream-vdpa", "\"vdpaType\": \"vhost\", \"eSwitchMode\": \"switchdev\",", "upstream-plain", "").entrySet()) {
            client.genericKubernetesResources(io.vhostpath.operator.reconciler.UpstreamPolicies.CONTEXT).resource(client.getKubernetesSerialization().unmarshal("""
                    {"apiVersion": "sriovnetwork.openshift.io/v1", "kind": "SriovNetworkNodePolicy",
                     "metadata": {"name": "%s", "namespace": "%s"},
                     "spec": {"resourceName": "mlx", "numVfs": 4, %s "isRdma": false, "linkType": "eth",
                              "nicSelector": {"vendor": "15b3", "pfNames": ["ens3f0"]}, "nodeSelector": {}}}"""
                    .formatted(e.getKey(), NS, e.getValue()), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).create();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of("vhostpath/sriov.upstream-vdpa"), policiesOn("w1")));
        var upstream = client.genericKubernetesResources(io.vhostpath.operator.reconciler.UpstreamPolicies.CONTEXT).inNamespace(NS)
                .withName("upstream-vdpa").get();
        assertEquals(List.of(), upstream.getMetadata().getFinalizers(), "read-only: no finalizer");
        assertEquals(null, upstream.getAdditionalProperties().get("status"), "read-only: no status");
    }

    @Test
    void problems_are_conditions_on_the_policy() {
        client.resource(node("w1", Map.of())).create();
        client.resource(vhost("first", 10, 8, "ens1f0")).create();
        client.resource(vhost("second", 10, 8, "ens1f0#0-1")).create();
        var bad = vhost("bad", 10, 8, "ens2f0#5-2");
        client.resource(bad).create();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var second = status("second");
            var degraded = second.conditions.stream().filter(c -> c.getType().equals("Degraded")).findFirst().orElseThrow();
            assertEquals("True", degraded.getStatus());
            assertTrue(degraded.getMessage().contains("claims the VFs of vhostpath/first with the same priority 10"), degraded.getMessage());
            var invalid = status("bad").conditions.stream().filter(c -> c.getType().equals("Degraded")).findFirst().orElseThrow();
            assertTrue(invalid.getMessage().contains("starts after it ends"), invalid.getMessage());
        });
        assertEquals(List.of("vhostpath/first"), policiesOn("w1"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> e.getInvolvedObject().getName().equals("second") && e.getType().equals("Warning")
                        && e.getMessage().contains("claims the VFs of vhostpath/first")), "a Warning event on the policy"));
    }
}
