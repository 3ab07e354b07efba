package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.vhostpath.node.DesiredState;
import io.vhostpath.operator.customresource.NicSelector;
import io.vhostpath.operator.customresource.NodeStateStatus.PfStatus;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.vhostpath.operator.reconciler.NodeStates;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.vhostpath.operator.Policies.node;
import static io.vhostpath.operator.Policies.onNodes;
import static io.vhostpath.operator.Policies.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Policies x nodes -> node states, merged by priority as the SR-IOV operator does, on plain objects. */
class NodeStatesTest {
    private static final List<Node> NODES = List.of(node("w1", Map.of("sriov", "true")), node("w2", Map.of("sriov", "true")),
            node("m1", Map.of()));

    private static NodeStates.Result compute(List<VhostVdpaNodePolicy> policies, Map<String, List<PfStatus>> inventory) {
        return NodeStates.compute(policies, NODES, inventory, Set.of());
    }

    private static List<String> names(NodeStates.Result r, String node) {
        return r.specs().get(node).policies.stream().map(e -> e.name).toList();
    }

    @Test
    void a_policy_reaches_the_nodes_its_selector_names_and_its_spec_decodes_as_the_agent_reads_it() {
        var r = compute(List.of(onNodes(vhost("a", 10, 4, "ens1f0"), Map.of("sriov", "true"))), Map.of());
        assertEquals(Set.of("w1", "w2"), r.specs().keySet());
        assertEquals(List.of("w1", "w2"), r.outcomes().get("vhostpath/a").nodes());
        DesiredState d = DesiredState.decode(NodeStates.document("w1", r.specs().get("w1").policies));
        assertEquals("vhostpath/a", d.policies().getFirst().name());
        assertEquals(4, d.policies().getFirst().numVfs());
    }

    @Test
    void on_shared_vfs_the_higher_priority_wins_an_equal_one_is_a_conflict_and_disjoint_ranges_share_a_pf() {
        var r = compute(List.of(vhost("low", 20, 8, "ens1f0"), vhost("high", 10, 8, "ens1f0#0-3"),
                vhost("rest", 10, 8, "ens1f0#4-7"), vhost("twin", 10, 8, "ens1f0#4-5")), Map.of());
        assertEquals(List.of("vhostpath/high", "vhostpath/rest"), names(r, "w1"));
        assertEquals(List.of("node m1: overridden by vhostpath/high (priority 10)", "node w1: overridden by vhostpath/high (priority 10)",
                "node w2: overridden by vhostpath/high (priority 10)"), r.outcomes().get("vhostpath/low").problems());
        assertTrue(r.outcomes().get("vhostpath/twin").problems().getFirst()
                .contains("claims the VFs of vhostpath/rest with the same priority 10; vhostpath/rest is taken (first by name)"),
                r.outcomes().get("vhostpath/twin").problems().toString());
    }

    @Test
    void an_invalid_policy_reaches_no_node_and_says_why_in_the_agents_words() {
        var bad = vhost("bad", 10, 4, "ens1f0#3-1");
        bad.getSpec().eSwitchMode = "legacy";
        var r = compute(List.of(bad), Map.of());
        assertEquals(Map.of(), r.specs());
        String problem = r.outcomes().get("vhostpath/bad").problems().getFirst();
        assertTrue(problem.startsWith("invalid: ") && problem.contains("starts after it ends"), problem);
    }

    @Test
    void with_an_inventory_selectors_resolve_to_the_nodes_pfs() {
        var byVendor = vhost("intel", 10, 4);
        byVendor.getSpec().nicSelector = new NicSelector();
        byVendor.getSpec().nicSelector.vendor = "8086";
        var byName = vhost("named", 20, 4, "ens2f0");
        Map<String, List<PfStatus>> inventory = Map.of("w1", List.of(pf("ens1f0", "15b3"), pf("ens2f0", "8086")), "w2", List.of(pf("ens1f0", "15b3")));
        var r = NodeStates.compute(List.of(byVendor, byName), List.of(NODES.get(0), NODES.get(1)), inventory, Set.of("w2"));
        assertEquals(List.of("vhostpath/intel"), names(r, "w1"), "the vendor's PF is ens2f0: the named policy collides there");
        assertTrue(r.outcomes().get("vhostpath/named").problems().contains("node w1: overridden by vhostpath/intel (priority 10)"));
        assertTrue(r.outcomes().get("vhostpath/intel").problems().contains("node w2 reports no NIC matching the nicSelector"));
        assertEquals(List.of(), names(r, "w2"), "a node that had a state keeps one, with no policy: its agent unprovisions");
    }

    @Test
    void a_policy_being_deleted_is_on_no_node() {
        var gone = vhost("gone", 10, 4, "ens1f0");
        gone.getMetadata().setDeletionTimestamp("2026-11-29T00:00:00Z");
        var r = NodeStates.compute(List.of(gone), NODES, Map.of(), Set.of("w1"));
        assertEquals(List.of(), names(r, "w1"));
        assertEquals(List.of(), r.outcomes().get("vhostpath/gone").nodes());
    }

    private static PfStatus pf(String netdev, String vendor) {
        var p = new PfStatus();
        p.netdev = netdev;
        p.vendor = vendor;
        p.address = "0000:00:00.0";
        return p;
    }
}
