package io.vhostpath.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;

/** The SR-IOV operator's nicSelector: a PF matches when it meets every criterion given. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "has(self.vendor) || has(self.rootDevices) || has(self.pfNames)",
        message = "selects nothing: give pfNames, rootDevices or vendor")
public class NicSelector {
    @Pattern("^[0-9a-fA-F]{4}$")
    public String vendor;

    @JsonProperty("deviceID")
    @Pattern("^[0-9a-fA-F]{4}$")
    public String deviceId;

    /** PCI addresses of PFs. */
    @Size(max = 256)
    public List<@Pattern("^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$") String> rootDevices;

    /**
     * PF netdev names, optionally with a VF range: {@code ens1f0#0-3}. A pattern on the items rather than a CEL rule:
     * the API server prices CEL by the longest string it could see, and an unbounded list of regex matches is refused.
     */
    @Size(max = 256)
    public List<@Pattern("^[A-Za-z0-9_.-]{1,15}(#[0-9]{1,4}-[0-9]{1,4})?$") String> pfNames;
}
