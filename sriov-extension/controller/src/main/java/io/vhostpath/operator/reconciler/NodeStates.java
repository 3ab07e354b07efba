package io.vhostpath.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.DesiredStateException;
import io.vhostpath.node.PfName;
import io.vhostpath.operator.customresource.NodePolicyEntry;
import io.vhostpath.operator.customresource.NodeStateSpec;
import io.vhostpath.operator.customresource.NodeStateStatus.PfStatus;
import io.vhostpath.operator.customresource.PolicySpec;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Policies x nodes -> each node's desired state, the way the SR-IOV operator merges them: a policy applies to a
 * node whose labels include its nodeSelector; on a node, policies are taken by priority (0 first; ties by
 * namespace/name), and one that claims VFs a taken policy holds (or disagrees about their PF's VF count or eswitch
 * mode) is left out there: overridden by a higher priority, or in conflict with an equal one. Claims are resolved
 * against the NIC inventory the node's agent reports (its SR-IOV PFs); before there is one, by the PF names the
 * policies give. A policy the node agent would refuse is refused here, with the agent's own words. Pure: the
 * controller feeds it the informers' caches.
 */
public final class NodeStates {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private NodeStates() {}

    /** What one policy got: the nodes it applies to, and what kept it from others or from all. */
    public record Outcome(List<String> nodes, List<String> problems) {}

    public record Result(Map<String, NodeStateSpec> specs, Map<String, Outcome> outcomes) {}

    public static String key(VhostVdpaNodePolicy p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    /**
     * @param inventory node name to the SR-IOV PFs its agent reported (absent: not reported yet)
     * @param known     nodes that have a node state already: they get one with no policies rather than none
     */
    public static Result compute(List<VhostVdpaNodePolicy> policies, List<Node> nodes, Map<String, List<PfStatus>> inventory,
                                 java.util.Set<String> known) {
        var outcomes = new TreeMap<String, Outcome>();
        var valid = new ArrayList<VhostVdpaNodePolicy>();
        for (VhostVdpaNodePolicy p : policies) {
            String key = key(p);
            outcomes.put(key, new Outcome(new ArrayList<>(), new ArrayList<>()));
            if (p.getMetadata().getDeletionTimestamp() != null) continue;
            try {
                DesiredState.decode(document("validation", List.of(entry(p))));
                valid.add(p);
            } catch (DesiredStateException e) {
                outcomes.get(key).problems().add("invalid: " + e.getMessage());
            }
        }
        valid.sort(Comparator.comparingInt((VhostVdpaNodePolicy p) -> priority(p.getSpec())).thenComparing(NodeStates::key));
        var specs = new TreeMap<String, NodeStateSpec>();
        for (Node node : nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList()) {
            String name = node.getMetadata().getName();
            Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
            List<PfStatus> pfs = inventory.get(name);
            var taken = new ArrayList<Map.Entry<VhostVdpaNodePolicy, List<Claim>>>();
            for (VhostVdpaNodePolicy p : valid) {
                Map<String, String> selector = p.getSpec().nodeSelector == null ? Map.of() : p.getSpec().nodeSelector;
                if (!labels.entrySet().containsAll(selector.entrySet())) continue;
                Outcome outcome = outcomes.get(key(p));
                List<Claim> claims = claims(p.getSpec(), pfs);
                if (pfs != null && claims.isEmpty()) {
                    outcome.problems().add("node " + name + " reports no NIC matching the nicSelector");
                    continue;
                }
                VhostVdpaNodePolicy winner = null;
                for (var t : taken) {
                    if (claims.stream().anyMatch(c -> t.getValue().stream().anyMatch(c::collides))) winner = t.getKey();
                    if (winner != null) break;
                }
                if (winner != null) {
                    outcome.problems().add(priority(winner.getSpec()) < priority(p.getSpec())
                            ? "node " + name + ": overridden by " + key(winner) + " (priority " + priority(winner.getSpec()) + ")"
                            : "node " + name + ": claims the VFs of " + key(winner) + " with the same priority " + priority(p.getSpec())
                              + "; " + key(winner) + " is taken (first by name)");
                    continue;
                }
                taken.add(Map.entry(p, claims));
                outcome.nodes().add(name);
            }
            if (!taken.isEmpty() || known.contains(name)) {
                var spec = new NodeStateSpec();
                spec.node = name;
                for (var t : taken) spec.policies.add(entry(t.getKey()));
                specs.put(name, spec);
            }
        }
        return new Result(specs, outcomes);
    }

    private static int priority(PolicySpec s) {
        return s.priority == null ? 99 : s.priority;
    }

    /** The policy's claims on a node: from its inventory when reported, otherwise from the PF names the policy gives. */
    static List<Claim> claims(PolicySpec s, List<PfStatus> pfs) {
        String eswitch = s.eSwitchMode == null ? "legacy" : s.eSwitchMode;
        var out = new ArrayList<Claim>();
        List<PfName> names = new ArrayList<>();
        if (s.nicSelector.pfNames != null) for (String n : s.nicSelector.pfNames) names.add(PfName.parse(n));
        if (pfs == null) {
            for (PfName n : names) out.add(new Claim(n.netdev(), n.first(), n.last(s.numVfs), s.numVfs, eswitch));
            return out;
        }
        for (PfStatus pf : pfs) {
            if (s.nicSelector.vendor != null && !s.nicSelector.vendor.equalsIgnoreCase(String.valueOf(pf.vendor))) continue;
            if (s.nicSelector.deviceId != null && !s.nicSelector.deviceId.equalsIgnoreCase(String.valueOf(pf.deviceID))) continue;
            if (s.nicSelector.rootDevices != null && !s.nicSelector.rootDevices.isEmpty()
                    && !s.nicSelector.rootDevices.contains(pf.address)) continue;
            PfName name = names.isEmpty() ? new PfName(pf.netdev, -1, -1)
                    : names.stream().filter(n -> n.netdev().equals(pf.netdev)).findFirst().orElse(null);
            if (name != null) out.add(new Claim(pf.netdev, name.first(), name.last(s.numVfs), s.numVfs, eswitch));
        }
        return out;
    }

    /** The policy as the node agent reads it: flat, named namespace/name. */
    static NodePolicyEntry entry(VhostVdpaNodePolicy p) {
        NodePolicyEntry e = JSON.unmarshal(JSON.asJson(p.getSpec()), NodePolicyEntry.class);
        e.name = key(p);
        return e;
    }

    /** The desired-state document the node agent decodes, for {@code node}. */
    public static String document(String node, List<NodePolicyEntry> policies) {
        var spec = new NodeStateSpec();
        spec.node = node;
        spec.policies = policies;
        return JSON.asJson(spec);
    }
}
