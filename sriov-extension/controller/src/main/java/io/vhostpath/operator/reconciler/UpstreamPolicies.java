package io.vhostpath.operator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vhostpath.operator.customresource.PolicySpec;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SR-IOV Network Operator's own SriovNetworkNodePolicy objects with a {@code vdpaType}, read as input beside
 * ours: same field names, so the spec carries over (fields vDPA provisioning does not use, such as isRdma or
 * linkType, are left out). They are read-only: the controller merges them like its own policies but writes neither
 * their status nor a finalizer. Their key is {@code <namespace>/sriov.<name>}, apart from ours.
 */
public final class UpstreamPolicies {
    public static final String KIND = "SriovNetworkNodePolicy";
    /** Named in full, so that no discovery request is needed (nor granted) to read them. */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder().withGroup("sriovnetwork.openshift.io")
            .withVersion("v1").withKind(KIND).withPlural("sriovnetworknodepolicies").withNamespaced(true).build();
    /** Marks a policy converted from upstream's, so that nothing is written back for it. */
    public static final String SOURCE = "vhostpath.io/source";
    private static final List<String> FIELDS = List.of("resourceName", "nodeSelector", "priority", "mtu", "numVfs", "nicSelector",
            "deviceType", "eSwitchMode", "vdpaType");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private UpstreamPolicies() {}

    /** The upstream policy as one of ours, when it asks for vDPA. */
    public static Optional<VhostVdpaNodePolicy> convert(GenericKubernetesResource upstream) {
        Object spec = upstream.getAdditionalProperties().get("spec");
        if (!(spec instanceof Map<?, ?> m) || m.get("vdpaType") == null) return Optional.empty();
        var taken = new LinkedHashMap<String, Object>();
        for (String f : FIELDS) if (m.containsKey(f)) taken.put(f, m.get(f));
        var p = new VhostVdpaNodePolicy();
        p.setMetadata(new ObjectMetaBuilder().withNamespace(upstream.getMetadata().getNamespace())
                .withName("sriov." + upstream.getMetadata().getName()).withGeneration(upstream.getMetadata().getGeneration())
                .withDeletionTimestamp(upstream.getMetadata().getDeletionTimestamp())
                .addToAnnotations(SOURCE, KIND).build());
        p.setSpec(JSON.convertValue(taken, PolicySpec.class));
        return Optional.of(p);
    }

    public static boolean isUpstream(VhostVdpaNodePolicy p) {
        var a = p.getMetadata().getAnnotations();
        return a != null && KIND.equals(a.get(SOURCE));
    }
}
