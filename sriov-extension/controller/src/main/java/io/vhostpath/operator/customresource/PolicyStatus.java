package io.vhostpath.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** Which nodes a policy reached, how many of them are ready, how many devices it made, and what failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyStatus {
    public Long observedGeneration;
    public Integer nodeCount;
    public Integer readyNodes;
    public Integer devices;
    public List<String> nodes = new ArrayList<>();
    public List<Condition> conditions = new ArrayList<>();
}
