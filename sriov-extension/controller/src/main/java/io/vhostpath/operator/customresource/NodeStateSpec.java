package io.vhostpath.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

import java.util.ArrayList;
import java.util.List;

/** The desired state of one node, exactly what the node agent consumes: the node's name and the policies for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStateSpec {
    @Required
    public String node;
    public List<NodePolicyEntry> policies = new ArrayList<>();
}
