package io.vhostpath.operator.agent;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.DesiredStateException;
import io.vhostpath.node.NodeAgent;
import io.vhostpath.node.NodeStatus;
import io.vhostpath.node.OwnedState;
import io.vhostpath.operator.ApiTrouble;
import io.vhostpath.operator.customresource.NodeStateStatus;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.operator.reconciler.NodeStates;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node agent driven by the API server: it watches its node's VhostVdpaNodeState, reconciles the node to the spec
 * on every change (and every {@code interval} against drift), and writes what it observed to the status, with
 * {@code observedGeneration} so the controller knows which spec it has seen. The API server going away changes
 * nothing on the node: the last spec stays applied, and the status is written again once it answers.
 */
public final class NodeStateAgent implements AutoCloseable {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /**
     * The agent and what it holds open. Netlink sockets belong to the thread that opened them: the session is
     * opened, used and closed on the agent's one thread.
     */
    public record Session(NodeAgent agent, OwnedState owned, AutoCloseable resources) {}

    /**
     * Where the spec in force is also written, as a desired-state file: the device plugin on the node reads it
     * (it needs no API access), as it reads the file of a node without the controller.
     */
    private final java.nio.file.Path desiredFile;

    private final KubernetesClient client;
    private final String node;
    private final java.util.function.Supplier<Session> opener;
    private Session session;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "vhostpath-node-agent");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private SharedIndexInformer<VhostVdpaNodeState> informer;
    private String lastStatus;
    private final ApiTrouble trouble = new ApiTrouble("vhostpath-node-agent");

    public NodeStateAgent(KubernetesClient client, String node, java.util.function.Supplier<Session> opener, java.nio.file.Path desiredFile) {
        this.client = client;
        this.node = node;
        this.opener = opener;
        this.desiredFile = desiredFile;
    }

    public NodeStateAgent start(long intervalMillis) {
        informer = client.resources(VhostVdpaNodeState.class).withName(node).inform(new ResourceEventHandler<>() {
            public void onAdd(VhostVdpaNodeState s) { schedule(); }
            public void onUpdate(VhostVdpaNodeState a, VhostVdpaNodeState b) {
                if (!java.util.Objects.equals(a.getMetadata().getGeneration(), b.getMetadata().getGeneration())) schedule();
            }
            public void onDelete(VhostVdpaNodeState s, boolean unknown) { schedule(); }
        }, 0);
        loop.scheduleWithFixedDelay(this::schedule, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        schedule();
        return this;
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) loop.execute(this::pass);
    }

    private void pass() {
        pending.set(false);
        VhostVdpaNodeState state = informer.getStore().getByKey(node);
        if (state == null || state.getSpec() == null) return; // no state for this node (yet): nothing is asked of it
        String document = NodeStates.document(node, state.getSpec().policies);
        NodeStateStatus status;
        try {
            DesiredState desired = DesiredState.decode(document);
            publish(document);
            if (session == null) session = opener.get();
            NodeAgent.Pass pass = session.agent().reconcile(desired);
            status = status(NodeStatus.document(desired, pass, session.owned(), Instant.now()));
        } catch (DesiredStateException e) {
            status = new NodeStateStatus();
            status.conditions = List.of(new ConditionBuilder().withType("Ready").withStatus("False").withReason("InvalidSpec")
                    .withMessage(e.getMessage()).build());
            status.lastError = e.getMessage();
        }
        status.observedGeneration = state.getMetadata().getGeneration();
        String json = JSON.asJson(status);
        if (json.equals(lastStatus)) return;
        try {
            var copy = JSON.clone(state);
            copy.setStatus(status);
            client.resource(copy).updateStatus();
            lastStatus = json;
            trouble.answered();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) trouble.failed("writing the status of " + node, e);
            loop.schedule(this::schedule, e.getCode() == 409 ? 100 : 5000, TimeUnit.MILLISECONDS); // newer spec, or no API server
        }
    }

    private void publish(String document) {
        try {
            java.nio.file.Files.createDirectories(desiredFile.toAbsolutePath().getParent());
            io.vhostpath.text.AtomicFile.write(desiredFile, document + "\n", java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (java.io.IOException e) {
            System.err.println("vhostpath-node-agent: cannot write " + desiredFile + " for the device plugin: " + e.getMessage());
        }
    }

    /** The status file's document as the resource's status: same fields, conditions typed, the first problem as lastError. */
    static NodeStateStatus status(Map<String, Object> document) {
        NodeStateStatus s = JSON.convertValue(Map.of("pfs", document.get("pfs")), NodeStateStatus.class);
        var conditions = new java.util.ArrayList<Condition>();
        for (Object o : (List<?>) document.get("conditions")) {
            var c = (Map<?, ?>) o;
            conditions.add(new ConditionBuilder().withType((String) c.get("type")).withStatus((String) c.get("status"))
                    .withReason((String) c.get("reason")).withMessage((String) c.get("message")).build());
        }
        s.conditions = conditions;
        var problems = (List<?>) document.get("problems");
        if (!problems.isEmpty()) s.lastError = String.valueOf(((Map<?, ?>) problems.getFirst()).get("message"));
        return s;
    }

    @Override
    public void close() {
        if (informer != null) informer.close();
        try {
            loop.submit(() -> {
                if (session != null) session.resources().close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("vhostpath-node-agent: closing: " + e);
        } finally {
            loop.shutdownNow();
        }
    }
}
