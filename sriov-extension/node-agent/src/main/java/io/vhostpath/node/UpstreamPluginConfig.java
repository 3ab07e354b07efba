package io.vhostpath.node;

import io.vhostpath.node.NodePolicy.VdpaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upstream SR-IOV network device plugin's configuration ({@code /etc/pcidp/config.json}) for the same desired
 * state, for nodes that keep that plugin: one {@code resourceList} entry per resource, selectors from the policies'
 * nicSelectors, {@code vdpaType} as upstream spells it. Policies sharing a resource name give one entry per policy,
 * as the operator writes them.
 */
public final class UpstreamPluginConfig {
    private UpstreamPluginConfig() {}

    public static Map<String, Object> document(DesiredState desired) {
        var list = new ArrayList<Map<String, Object>>();
        for (NodePolicy p : desired.policies()) {
            var sel = new LinkedHashMap<String, Object>();
            var nic = p.nicSelector();
            if (nic.vendor() != null) sel.put("vendors", List.of(nic.vendor()));
            if (!nic.pfNames().isEmpty()) sel.put("pfNames", nic.pfNames().stream().map(PfName::toString).toList());
            if (!nic.rootDevices().isEmpty()) sel.put("rootDevices", nic.rootDevices());
            sel.put("IsRdma", false);
            sel.put("NeedVhostNet", false);
            if (p.vdpaType() != null) sel.put("vdpaType", p.vdpaType() == VdpaType.VHOST ? "vhost" : "virtio");
            var entry = new LinkedHashMap<String, Object>();
            entry.put("resourceName", p.resourceName());
            entry.put("selectors", sel);
            list.add(entry);
        }
        return Map.of("resourceList", list);
    }
}
