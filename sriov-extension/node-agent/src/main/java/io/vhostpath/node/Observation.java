package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.vdpa.ProvisionedDevice;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node as the agent found it at the start of a round: PFs with their VFs, eswitch modes and representors, the
 * vDPA devices, and the vDPA management devices there are.
 */
public record Observation(List<PfState> pfs, Map<String, ProvisionedDevice> vdpaDevices, Set<String> mgmtDevices) {

    /**
     * @param eswitchMode  the devlink eswitch mode, or null when the PF has none (no devlink device, or EOPNOTSUPP)
     * @param representors VF index to its representor netdev (switchdev mode)
     */
    public record PfState(PhysicalFunction pf, EswitchMode eswitchMode, List<VirtualFunction> vfs, Map<Integer, String> representors) {}

    public Optional<PfState> pf(String devlinkHandle) {
        return pfs.stream().filter(p -> p.pf().devlinkHandle().equals(devlinkHandle)).findFirst();
    }
}
