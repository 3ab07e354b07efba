package io.vhostpath.node;

import io.vhostpath.node.NodePolicy.NicSelector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Which PFs of this node each policy takes, as the SR-IOV operator matches them: a PF matches a policy's
 * nicSelector when it meets every criterion given (vendor, device id, root devices, names). A PF or root device
 * the policy names that this node does not have, a VF count above {@code sriov_totalvfs}, and policies that
 * disagree about one PF are problems; the PF they concern is then left as it is.
 */
public final class Selection {
    private Selection() {}

    public static List<PfIntent> resolve(DesiredState desired, List<PhysicalFunction> pfs, List<Problem> problems) {
        var byPf = new LinkedHashMap<PhysicalFunction, List<PfIntent.VfGroup>>();
        for (NodePolicy policy : desired.policies()) {
            NicSelector sel = policy.nicSelector();
            for (PfName name : sel.pfNames()) {
                if (pfs.stream().noneMatch(pf -> pf.netdev().equals(name.netdev()))) {
                    problems.add(Problem.of(name.netdev(), "policy " + policy.name() + ": PF " + name.netdev() + " not found on this node"));
                }
            }
            for (String root : sel.rootDevices()) {
                if (pfs.stream().noneMatch(pf -> pf.address().equals(root))) {
                    problems.add(Problem.of(root, "policy " + policy.name() + ": root device " + root + " is no SR-IOV PF on this node"));
                }
            }
            int matched = 0;
            for (PhysicalFunction pf : pfs) {
                PfName name = match(sel, pf);
                if (name == null) continue;
                matched++;
                if (pf.totalVfs() != null && policy.numVfs() > pf.totalVfs()) {
                    problems.add(Problem.of(pf.netdev(), "policy " + policy.name() + ": PF " + pf + " has sriov_totalvfs " + pf.totalVfs()
                            + ", numVfs " + policy.numVfs() + " asked"));
                    continue;
                }
                byPf.computeIfAbsent(pf, k -> new ArrayList<>())
                        .add(new PfIntent.VfGroup(policy, name.first(), name.last(policy.numVfs())));
            }
            if (matched == 0 && sel.pfNames().isEmpty() && sel.rootDevices().isEmpty()) {
                problems.add(Problem.of(policy.name(), "policy " + policy.name() + ": no PF on this node has vendor " + sel.vendor()
                        + (sel.deviceId() == null ? "" : " device " + sel.deviceId())));
            }
        }
        var out = new ArrayList<PfIntent>();
        byPf.forEach((pf, groups) -> {
            NodePolicy first = groups.getFirst().policy();
            for (var g : groups) {
                if (g.policy().numVfs() != first.numVfs() || g.policy().eswitchMode() != first.eswitchMode()) {
                    problems.add(Problem.of(pf.netdev(), "PF " + pf + ": policies " + first.name() + " and " + g.policy().name()
                            + " disagree on numVfs or eSwitchMode; the PF is left as it is"));
                    return;
                }
            }
            out.add(new PfIntent(pf, first.numVfs(), first.eswitchMode(), List.copyOf(groups)));
        });
        return out;
    }

    /** The name entry (with its VF range) by which {@code sel} takes {@code pf}, or null when it does not. */
    private static PfName match(NicSelector sel, PhysicalFunction pf) {
        if (sel.vendor() != null && !sel.vendor().equals(pf.vendor())) return null;
        if (sel.deviceId() != null && !sel.deviceId().equals(pf.deviceId())) return null;
        if (!sel.rootDevices().isEmpty() && !sel.rootDevices().contains(pf.address())) return null;
        if (sel.pfNames().isEmpty()) return new PfName(pf.netdev(), -1, -1);
        return sel.pfNames().stream().filter(n -> n.netdev().equals(pf.netdev())).findFirst().orElse(null);
    }
}
