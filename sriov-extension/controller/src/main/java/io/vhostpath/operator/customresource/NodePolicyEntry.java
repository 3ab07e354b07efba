package io.vhostpath.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A policy as one node gets it: its name (namespace/name) and its spec, flat, as the node agent's desired state reads it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodePolicyEntry extends PolicySpec {
    @Required
    public String name;
}
