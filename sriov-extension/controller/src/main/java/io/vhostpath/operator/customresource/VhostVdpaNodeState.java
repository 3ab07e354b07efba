package io.vhostpath.operator.customresource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One per node, named after it (cluster-scoped): the controller writes the spec (the node's desired state), the
 * node agent the status (what it observed, whether it converged).
 */
@Group("vhostpath.io")
@Version("v1")
@Plural("vhostvdpanodestates")
@ShortNames("vvns")
@AdditionalPrinterColumn(name = "Policies", jsonPath = ".spec.policies[*].name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type=='Ready')].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Error", jsonPath = ".status.lastError", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class VhostVdpaNodeState extends CustomResource<NodeStateSpec, NodeStateStatus> {}
