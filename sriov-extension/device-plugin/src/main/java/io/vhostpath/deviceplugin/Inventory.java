package io.vhostpath.deviceplugin;

import io.vhostpath.node.DesiredState;
import io.vhostpath.node.DeviceNames;
import io.vhostpath.node.NodePolicy.VdpaType;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.node.PfIntent;
import io.vhostpath.node.Problem;
import io.vhostpath.node.Selection;
import io.vhostpath.node.VirtualFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The devices of each resource, from the same desired state the agent provisions: every VF a {@code vdpaType:
 * vhost} policy takes, on PFs this node has, named as the agent names them. Read from sysfs alone, cheap enough to
 * recompute on every health poll. Resources whose policies ask for {@code virtio} are kernel netdevs, not
 * something to mount: the plugin does not serve them.
 */
public final class Inventory {
    private Inventory() {}

    /** Resource name (without prefix) to its devices, in VF order; every resource of a vhost policy is present. */
    public static Map<String, List<PluginDevice>> resources(DesiredState desired, NodeSysfs sysfs) {
        var out = new LinkedHashMap<String, List<PluginDevice>>();
        desired.policies().stream().filter(p -> p.vdpaType() == VdpaType.VHOST)
                .forEach(p -> out.putIfAbsent(p.resourceName(), new ArrayList<>()));
        List<PfIntent> intents = Selection.resolve(desired, sysfs.physicalFunctions(), new ArrayList<Problem>());
        for (PfIntent intent : intents) {
            for (VirtualFunction vf : sysfs.virtualFunctions(intent.pf())) {
                var policy = intent.policyOf(vf.index()).orElse(null);
                if (policy == null || policy.vdpaType() != VdpaType.VHOST) continue;
                out.get(policy.resourceName()).add(new PluginDevice(DeviceNames.pluginId(intent.pf(), vf), DeviceNames.vdpa(intent.pf(), vf),
                        vf.pciAddress(), intent.pf().netdev(), intent.pf().numaNode()));
            }
        }
        return out;
    }
}
