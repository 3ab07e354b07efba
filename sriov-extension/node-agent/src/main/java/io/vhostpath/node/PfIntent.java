package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;

import java.util.List;

/**
 * What the desired state asks of one PF on this node: its VF count, its eswitch mode, and which policy takes
 * which of its VFs.
 */
public record PfIntent(PhysicalFunction pf, int numVfs, EswitchMode eswitchMode, List<VfGroup> groups) {

    /** VFs {@code first..last} (inclusive) of the PF, taken by {@code policy}. */
    public record VfGroup(NodePolicy policy, int first, int last) {
        public boolean contains(int vf) {
            return vf >= first && vf <= last;
        }
    }

    /** The policy that takes VF {@code index}, if any. */
    public java.util.Optional<NodePolicy> policyOf(int index) {
        return groups.stream().filter(g -> g.contains(index)).map(VfGroup::policy).findFirst();
    }
}
