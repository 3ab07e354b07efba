package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.vhostpath.operator.customresource.NicSelector;
import io.vhostpath.operator.customresource.PolicySpec;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;

import java.util.List;
import java.util.Map;

/** Test objects: vhost policies on named PFs, and nodes with labels. */
final class Policies {
    static final String NS = "vhostpath";

    private Policies() {}

    static VhostVdpaNodePolicy vhost(String name, int priority, int numVfs, String... pfNames) {
        var spec = new PolicySpec();
        spec.resourceName = "vdpa_" + name.replace('-', '_');
        spec.priority = priority;
        spec.numVfs = numVfs;
        spec.eSwitchMode = "switchdev";
        spec.vdpaType = "vhost";
        spec.nicSelector = new NicSelector();
        spec.nicSelector.pfNames = List.of(pfNames);
        var p = new VhostVdpaNodePolicy();
        p.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
        p.setSpec(spec);
        return p;
    }

    static VhostVdpaNodePolicy onNodes(VhostVdpaNodePolicy p, Map<String, String> selector) {
        p.getSpec().nodeSelector = selector;
        return p;
    }

    static Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }
}
