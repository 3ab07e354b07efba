package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vhostpath.operator.agent.NodeStateAgent;
import io.vhostpath.operator.agent.NodeStateAgentMain;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.operator.reconciler.PolicyController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.vhostpath.operator.Policies.NS;
import static io.vhostpath.operator.Policies.node;
import static io.vhostpath.operator.Policies.vhost;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RBAC in samples/deploy grants exactly what the code calls: the controller (leader election included) and the
 * node agent each run a full policy life cycle against the mock API server with their own User-Agent, every request
 * the server saw is turned into (scope, API group, resource, verb), and that set must equal what the Roles and
 * ClusterRoles of their ServiceAccounts allow, no more, no less.
 */
@EnableKubernetesMockClient(crud = true)
class RbacTest {
    private static final Pattern PATH = Pattern.compile(
            "/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/([^/]+))?/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?");
    static KubernetesMockServer server;
    static KubernetesClient client;
    @TempDir Path tmp;

    private static KubernetesClient as(String userAgent) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(userAgent).build()).build();
    }

    @Test
    void each_service_account_is_granted_exactly_the_calls_its_code_makes() throws Exception {
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.resource(node("w1", Map.of())).create();
        try (var controllerClient = as("vhostpath-controller"); var agentClient = as("vhostpath-node-agent");
             var electionClient = ControllerMain.electionClient(controllerClient.getConfiguration())) {
            var controller = new PolicyController(controllerClient, NS);
            var election = ControllerMain.elector(electionClient, NS, "test", () -> controller.start(60_000), () -> { }).start();
            try (var agent = new NodeStateAgent(agentClient, "w1", () -> NodeStateAgentMain.session(tmp.resolve("owned.json")),
                    tmp.resolve("desired-state.json")).start(60_000)) {
                client.resource(vhost("a", 10, 2, "ens1f0")).create();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    var s = client.resources(VhostVdpaNodeState.class).withName("w1").get();
                    assertTrue(s != null && s.getStatus() != null && s.getMetadata().getGeneration().equals(s.getStatus().observedGeneration));
                });
                client.resource(vhost("b", 10, 2, "ens2f0")).create(); // the node state and the ConfigMap are updated
                client.resource(vhost("c", 10, 2, "ens2f0#0-0")).create(); // collides with b: a Warning event
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertEquals(2, client.resources(VhostVdpaNodeState.class).withName("w1").get().getSpec().policies.size());
                    assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                            .anyMatch(e -> e.getInvolvedObject().getName().equals("c")), "the collision's Warning event");
                });
                client.resource(client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).withName("a").get()).delete();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertEquals(null, client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).withName("a").get()));
                // at least one renewal of the lease, so that its calls are among those seen
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    var lease = client.leases().inNamespace(NS).withName("vhostpath-controller").get();
                    return lease != null && !lease.getSpec().getRenewTime().equals(lease.getSpec().getAcquireTime());
                });
            } finally {
                election.cancel(true);
                controller.close();
            }
        }
        var calls = Map.of("vhostpath-controller", new TreeSet<String>(), "vhostpath-node-agent", new TreeSet<String>());
        for (RecordedRequest r; (r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null; ) {
            String ua = String.valueOf(r.getHeader("User-Agent"));
            if (calls.containsKey(ua)) calls.get(ua).add(call(r.getMethod(), r.getPath()));
        }
        for (var e : calls.entrySet()) {
            assertEquals(granted(e.getKey()), e.getValue(), e.getKey() + ": granted (expected) vs called (actual)");
        }
    }

    /** A request as RBAC sees it: {@code scope|group|resource[/sub]|verb}, scope the namespace or "cluster". */
    static String call(String method, String path) {
        var m = PATH.matcher(path);
        assertTrue(m.matches(), path);
        String group = m.group(1) == null ? "" : m.group(1);
        String scope = m.group(2) == null ? "cluster" : m.group(2);
        String resource = m.group(3);
        boolean named = m.group(4) != null;
        String sub = m.group(5);
        String query = m.group(6) == null ? "" : m.group(6);
        String verb = switch (method) {
            case "GET" -> !named ? (query.contains("watch=true") ? "watch" : "list") : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method;
        };
        return scope + "|" + group + "|" + resource + (sub == null ? "" : "/" + sub) + "|" + verb;
    }

    /** What the manifest's Roles (namespace vhostpath) and ClusterRoles bound to the account allow, expanded. */
    private static Set<String> granted(String account) throws Exception {
        var out = new TreeSet<String>();
        for (String file : List.of("controller.yaml", "node-agent.yaml")) {
            List<HasMetadata> objects;
            try (var in = new FileInputStream("../../samples/deploy/" + file)) {
                objects = client.load(in).items();
            }
            for (HasMetadata o : objects) {
                if (!account.equals(o.getMetadata().getName())) continue;
                if (o instanceof ClusterRole cr) expand("cluster", cr.getRules(), out);
                if (o instanceof Role role) expand(role.getMetadata().getNamespace(), role.getRules(), out);
            }
        }
        return out;
    }

    private static void expand(String scope, List<PolicyRule> rules, Set<String> out) {
        for (PolicyRule r : rules) for (String g : r.getApiGroups()) for (String res : r.getResources()) for (String v : r.getVerbs()) {
            out.add(scope + "|" + g + "|" + res + "|" + v);
        }
    }
}
