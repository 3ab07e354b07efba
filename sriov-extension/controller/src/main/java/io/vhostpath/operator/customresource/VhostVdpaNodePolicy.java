package io.vhostpath.operator.customresource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How to carve the NICs of the nodes it selects into vhost-vdpa devices; the operator's namespace holds them. */
@Group("vhostpath.io")
@Version("v1")
@Plural("vhostvdpanodepolicies")
@ShortNames("vvnp")
@AdditionalPrinterColumn(name = "Resource", jsonPath = ".spec.resourceName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodeCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Devices", jsonPath = ".status.devices", type = AdditionalPrinterColumn.Type.INTEGER)
public class VhostVdpaNodePolicy extends CustomResource<PolicySpec, PolicyStatus> implements Namespaced {}
