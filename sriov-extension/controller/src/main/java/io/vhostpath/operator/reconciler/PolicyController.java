package io.vhostpath.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.UpstreamPluginConfig;
import io.vhostpath.operator.ApiTrouble;
import io.vhostpath.operator.customresource.NodeStateSpec;
import io.vhostpath.operator.customresource.NodeStateStatus;
import io.vhostpath.operator.customresource.PolicyStatus;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.text.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller: informers on policies (its namespace), nodes and node states; any change schedules one reconcile
 * of everything from the caches (debounced), which writes only what differs: node state specs (resourceVersion-
 * checked updates; a 409 schedules another round), the device-plugin ConfigMap in the upstream format (one key per
 * node), policy status (nodes, ready nodes, devices, Ready and Degraded conditions), and the finalizer that keeps a
 * deleted policy until every node state has dropped it and every node agent has caught up.
 */
public final class PolicyController implements AutoCloseable {
    public static final String FINALIZER = "vhostpath.io/unprovision";
    public static final String PLUGIN_CONFIG = "device-plugin-config";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "vhostpath-controller");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean started;
    private final AtomicLong writes = new AtomicLong();
    private final Echoes echoes = new Echoes();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final ApiTrouble trouble = new ApiTrouble("vhostpath-controller");
    private SharedIndexInformer<VhostVdpaNodePolicy> policies;
    private SharedIndexInformer<io.fabric8.kubernetes.api.model.GenericKubernetesResource> upstream;
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<VhostVdpaNodeState> states;

    public PolicyController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Starts the informers (resync every {@code resyncMillis}) and the first reconcile once they have synced. */
    public PolicyController start(long resyncMillis) {
        var onChange = new ResourceEventHandler<Object>() {
            public void onAdd(Object o) { schedule(); }
            public void onUpdate(Object a, Object b) { if (a != b) schedule(); }
            public void onDelete(Object o, boolean unknown) { schedule(); }
        };
        policies = client.resources(VhostVdpaNodePolicy.class).inNamespace(namespace).inform(cast(onChange), resyncMillis);
        try {
            upstream = client.genericKubernetesResources(UpstreamPolicies.CONTEXT).inNamespace(namespace)
                    .inform(cast(onChange), resyncMillis);
        } catch (KubernetesClientException e) {
            // the SR-IOV Network Operator is not installed: our own policies only
            System.err.println("vhostpath-controller: no " + UpstreamPolicies.KIND + " to read (" + e.getCode() + "): our policies only");
        }
        nodes = client.nodes().inform(cast(onChange), resyncMillis);
        states = client.resources(VhostVdpaNodeState.class).inform(cast(onChange), resyncMillis);
        started = true; // events before this point found the caches half made
        schedule();
        return this;
    }

    @SuppressWarnings("unchecked")
    private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> h) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
    }

    /** API writes so far (creates, updates, status and finalizer changes): what the scale test counts. */
    public long writes() {
        return writes.get();
    }

    public long rounds() {
        return rounds.get();
    }

    /** Writes refused with 409 (another writer was first), each retried from fresh caches. */
    public long conflicts() {
        return conflicts.get();
    }

    private void schedule() {
        if (started && pending.compareAndSet(false, true)) loop.schedule(this::round, 50, TimeUnit.MILLISECONDS);
    }

    private void round() {
        pending.set(false);
        rounds.incrementAndGet();
        try {
            reconcile();
            trouble.answered();
        } catch (KubernetesClientException e) {
            // 409 (a writer raced us) or the API server away: the next round starts from fresh caches
            if (loop.isShutdown()) return; // closed mid-call
            if (e.getCode() == 409) conflicts.incrementAndGet();
            else trouble.failed("reconciling " + namespace, e);
            loop.schedule(this::schedule, e.getCode() == 409 ? 100 : 2000, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            System.err.println("vhostpath-controller: reconcile failed, retrying: " + e);
            loop.schedule(this::schedule, 2000, TimeUnit.MILLISECONDS);
        }
    }

    private void reconcile() {
        List<VhostVdpaNodePolicy> ours = policies.getStore().list();
        var ps = new ArrayList<>(ours);
        if (upstream != null) for (var u : upstream.getStore().list()) UpstreamPolicies.convert(u).ifPresent(ps::add);
        List<VhostVdpaNodeState> ss = states.getStore().list();
        for (VhostVdpaNodePolicy p : ours) {
            var finalizers = p.getMetadata().getFinalizers();
            if (p.getMetadata().getDeletionTimestamp() == null && (finalizers == null || !finalizers.contains(FINALIZER))
                    && !echoes.awaiting("policy/" + NodeStates.key(p), p)) {
                client.resource(p).edit(x -> {
                    x.addFinalizer(FINALIZER);
                    return x;
                });
                wrote("policy/" + NodeStates.key(p), p);
            }
        }
        var byNode = new HashMap<String, VhostVdpaNodeState>();
        var inventory = new HashMap<String, List<NodeStateStatus.PfStatus>>();
        for (VhostVdpaNodeState s : ss) {
            byNode.put(s.getMetadata().getName(), s);
            if (s.getStatus() != null && s.getStatus().pfs != null && !s.getStatus().pfs.isEmpty()) inventory.put(s.getMetadata().getName(), s.getStatus().pfs);
        }
        NodeStates.Result result = NodeStates.compute(ps, nodes.getStore().list(), inventory, byNode.keySet());
        for (var e : result.specs().entrySet()) applyNodeState(e.getKey(), e.getValue(), byNode.get(e.getKey()));
        applyPluginConfig(result);
        for (VhostVdpaNodePolicy p : ours) { // upstream's policies are read, never written
            NodeStates.Outcome o = result.outcomes().get(NodeStates.key(p));
            if (p.getMetadata().getDeletionTimestamp() != null) release(p, ss);
            else applyStatus(p, o, byNode);
        }
    }

    private void applyNodeState(String node, NodeStateSpec spec, VhostVdpaNodeState existing) {
        String key = "state/" + node;
        if (echoes.awaiting(key, existing)) return;
        if (existing == null) {
            var s = new VhostVdpaNodeState();
            s.setMetadata(new ObjectMetaBuilder().withName(node).build());
            s.setSpec(spec);
            client.resource(s).create();
            wrote(key, null);
        } else if (!JSON.asJson(spec).equals(JSON.asJson(existing.getSpec()))) {
            var copy = JSON.clone(existing);
            copy.setSpec(spec);
            client.resource(copy).update(); // carries the cached resourceVersion: 409 if someone wrote since
            wrote(key, existing);
        }
    }

    private void wrote(String key, io.fabric8.kubernetes.api.model.HasMetadata before) {
        echoes.wrote(key, before);
        writes.incrementAndGet();
    }

    private void applyPluginConfig(NodeStates.Result result) {
        var data = new TreeMap<String, String>();
        result.specs().forEach((node, spec) -> {
            if (!spec.policies.isEmpty()) {
                data.put(node, Json.write(UpstreamPluginConfig.document(DesiredState.decode(NodeStates.document(node, spec.policies)))));
            }
        });
        ConfigMap current = client.configMaps().inNamespace(namespace).withName(PLUGIN_CONFIG).get();
        if (current != null && Objects.equals(new TreeMap<>(current.getData() == null ? Map.of() : current.getData()), data)) return;
        var cm = new ConfigMapBuilder().withNewMetadata().withName(PLUGIN_CONFIG).withNamespace(namespace).endMetadata().withData(data).build();
        if (current == null) client.resource(cm).create();
        else {
            cm.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            client.resource(cm).update();
        }
        writes.incrementAndGet();
    }

    private void applyStatus(VhostVdpaNodePolicy p, NodeStates.Outcome o, Map<String, VhostVdpaNodeState> byNode) {
        var status = new PolicyStatus();
        status.observedGeneration = p.getMetadata().getGeneration();
        status.nodes = List.copyOf(o.nodes());
        status.nodeCount = o.nodes().size();
        int ready = 0;
        int devices = 0;
        var failing = new ArrayList<String>();
        for (String node : o.nodes()) {
            VhostVdpaNodeState s = byNode.get(node);
            if (s == null || s.getStatus() == null) continue;
            if (readyAndCurrent(s)) ready++;
            else if (s.getStatus().lastError != null) failing.add("node " + node + ": " + s.getStatus().lastError);
            for (var pf : s.getStatus().pfs) {
                for (var vf : pf.vfs) if (p.getSpec().resourceName.equals(vf.resourceName) && vf.vdpaDevice != null) devices++;
            }
        }
        status.readyNodes = ready;
        status.devices = devices;
        var problems = new ArrayList<>(o.problems());
        problems.addAll(failing);
        String now = p.getStatus() == null ? Instant.now().toString() : null;
        status.conditions = List.of(
                condition("Ready", !o.nodes().isEmpty() && ready == o.nodes().size(),
                        o.nodes().isEmpty() ? "NoNodes" : ready == o.nodes().size() ? "Provisioned" : "Provisioning",
                        ready + " of " + o.nodes().size() + " node(s) ready, " + devices + " device(s)", p, now),
                condition("Degraded", !problems.isEmpty(), problems.isEmpty() ? "NoProblems" : "Problems",
                        problems.isEmpty() ? "" : String.join("; ", problems), p, now));
        if (p.getStatus() != null && sameStatus(p.getStatus(), status) || echoes.awaiting("policy/" + NodeStates.key(p), p)) return;
        var copy = JSON.clone(p);
        copy.setStatus(status);
        client.resource(copy).updateStatus();
        wrote("policy/" + NodeStates.key(p), p);
        String before = p.getStatus() == null ? "" : degradedMessage(p.getStatus());
        if (!problems.isEmpty() && !before.equals(degradedMessage(status))) event(p, String.join("; ", problems));
    }

    private static String degradedMessage(PolicyStatus s) {
        return s.conditions.stream().filter(c -> c.getType().equals("Degraded")).map(Condition::getMessage).findFirst().orElse("");
    }

    /** A Warning event on the policy when its problems change, for `kubectl describe` and event watchers. */
    private void event(VhostVdpaNodePolicy p, String message) {
        var now = Instant.now().toString();
        client.resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withGenerateName(p.getMetadata().getName() + ".").withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withApiVersion(p.getApiVersion()).withKind(p.getKind()).withName(p.getMetadata().getName())
                .withNamespace(namespace).withUid(p.getMetadata().getUid()).endInvolvedObject()
                .withType("Warning").withReason("Problems").withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent("vhostpath-controller").endSource().build()).create();
        writes.incrementAndGet();
    }

    /** Conditions keep their transition time unless their status changes. */
    private static Condition condition(String type, boolean on, String reason, String message, VhostVdpaNodePolicy p, String now) {
        String since = now;
        if (p.getStatus() != null) {
            for (Condition c : p.getStatus().conditions) {
                if (c.getType().equals(type)) since = c.getStatus().equals(on ? "True" : "False") ? c.getLastTransitionTime() : Instant.now().toString();
            }
        }
        return new ConditionBuilder().withType(type).withStatus(on ? "True" : "False").withReason(reason).withMessage(message)
                .withObservedGeneration(p.getMetadata().getGeneration()).withLastTransitionTime(since).build();
    }

    private static boolean sameStatus(PolicyStatus a, PolicyStatus b) {
        return JSON.asJson(a).equals(JSON.asJson(b));
    }

    private static boolean readyAndCurrent(VhostVdpaNodeState s) {
        var st = s.getStatus();
        if (st == null || st.observedGeneration == null || !st.observedGeneration.equals(s.getMetadata().getGeneration())) return false;
        return st.conditions.stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    /** A deleted policy's finalizer goes once no node state lists it and every node agent has seen the latest spec. */
    private void release(VhostVdpaNodePolicy p, List<VhostVdpaNodeState> ss) {
        String key = NodeStates.key(p);
        var waiting = new HashSet<String>();
        for (VhostVdpaNodeState s : ss) {
            boolean lists = s.getSpec() != null && s.getSpec().policies.stream().anyMatch(e -> key.equals(e.name));
            boolean behind = s.getStatus() == null || s.getStatus().observedGeneration == null
                    || s.getStatus().observedGeneration < s.getMetadata().getGeneration();
            if (lists || behind) waiting.add(s.getMetadata().getName());
        }
        var finalizers = p.getMetadata().getFinalizers();
        if (!waiting.isEmpty() || finalizers == null || !finalizers.contains(FINALIZER) || echoes.awaiting("policy/" + key, p)) return;
        client.resource(p).edit(x -> {
            x.removeFinalizer(FINALIZER);
            return x;
        });
        wrote("policy/" + key, p);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        for (var i : java.util.Arrays.asList(policies, upstream, nodes, states)) if (i != null) i.close();
    }
}
