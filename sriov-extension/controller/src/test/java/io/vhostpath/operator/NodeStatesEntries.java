package io.vhostpath.operator;

import io.vhostpath.operator.customresource.NicSelector;
import io.vhostpath.operator.customresource.NodePolicyEntry;

import java.util.List;

/** Node-state policy entries for tests. */
final class NodeStatesEntries {
    private NodeStatesEntries() {}

    static NodePolicyEntry vhost(String name, String pf) {
        var e = new NodePolicyEntry();
        e.name = name;
        e.resourceName = "vdpa_vhost";
        e.numVfs = 2;
        e.eSwitchMode = "switchdev";
        e.vdpaType = "vhost";
        e.nicSelector = new NicSelector();
        e.nicSelector.pfNames = List.of(pf);
        return e;
    }
}
