package io.vhostpath.node;

import io.vhostpath.node.NodePolicy.DeviceType;
import io.vhostpath.devlink.EswitchMode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules between fields and between policies, upstream's first: a vDPA type needs deviceType netdevice and
 * eSwitchMode switchdev. Policies naming one PF must agree on its VF count and eswitch mode, and their VF ranges
 * must not overlap (one VF is vhost or virtio, never both). Upstream also allows only vendor 15b3 for vDPA; we do
 * not: any PF whose VFs offer a vDPA management device qualifies, which the agent checks on the node.
 */
final class PolicyRules {
    private PolicyRules() {}

    static void check(List<NodePolicy> policies, List<String> problems) {
        var names = new HashMap<String, Integer>();
        for (NodePolicy p : policies) {
            if (names.merge(p.name(), 1, Integer::sum) == 2) problems.add("policy " + p.name() + ": the name is used twice");
            if (p.vdpaType() != null && p.deviceType() != DeviceType.NETDEVICE) {
                problems.add("policy " + p.name() + ": vdpaType needs deviceType netdevice, not " + spelled(p.deviceType()));
            }
            if (p.vdpaType() != null && p.eswitchMode() != EswitchMode.SWITCHDEV) {
                problems.add("policy " + p.name() + ": vdpaType needs eSwitchMode switchdev, not " + spelled(p.eswitchMode()));
            }
            for (PfName pf : p.nicSelector().pfNames()) {
                if (!pf.allVfs() && pf.lastVf() >= p.numVfs()) {
                    problems.add("policy " + p.name() + ": " + pf + " takes VF " + pf.lastVf() + " but numVfs is " + p.numVfs());
                }
            }
        }
        // Per PF name: one VF count, one eswitch mode, disjoint ranges.
        var byPf = new HashMap<String, List<Map.Entry<NodePolicy, PfName>>>();
        for (NodePolicy p : policies) {
            for (PfName pf : p.nicSelector().pfNames()) byPf.computeIfAbsent(pf.netdev(), k -> new java.util.ArrayList<>()).add(Map.entry(p, pf));
        }
        byPf.forEach((netdev, uses) -> {
            for (int i = 0; i < uses.size(); i++) {
                for (int j = i + 1; j < uses.size(); j++) {
                    NodePolicy a = uses.get(i).getKey();
                    NodePolicy b = uses.get(j).getKey();
                    PfName ra = uses.get(i).getValue();
                    PfName rb = uses.get(j).getValue();
                    if (a.numVfs() != b.numVfs()) {
                        problems.add("PF " + netdev + ": policies " + a.name() + " and " + b.name() + " ask for " + a.numVfs()
                                + " and " + b.numVfs() + " VFs");
                    }
                    if (a.eswitchMode() != b.eswitchMode()) {
                        problems.add("PF " + netdev + ": policies " + a.name() + " and " + b.name() + " ask for eswitch modes "
                                + spelled(a.eswitchMode()) + " and " + spelled(b.eswitchMode()));
                    }
                    if (ra.first() <= rb.last(b.numVfs()) && rb.first() <= ra.last(a.numVfs())) {
                        String what = a.vdpaType() != null && b.vdpaType() != null && a.vdpaType() != b.vdpaType()
                                ? " ask for " + spelled(a.vdpaType()) + " and " + spelled(b.vdpaType()) + " on the same VFs"
                                : " take overlapping VFs";
                        problems.add("PF " + netdev + ": policies " + a.name() + " (" + ra + ") and " + b.name() + " (" + rb + ")" + what);
                    }
                }
            }
        });
    }

    static String spelled(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
