package io.vhostpath.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Map;

/**
 * A vhost-vdpa node policy: SriovNetworkNodePolicy's field names and rules, plus what vDPA needs (queue pairs, MAC
 * policy, a software management device for test beds). The API server enforces the field rules (OpenAPI and CEL);
 * the controller checks the rest (VF ranges, policies that collide).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.vdpaType) || has(self.eSwitchMode) && self.eSwitchMode == 'switchdev'", message = "vdpaType needs eSwitchMode switchdev")
@ValidationRule(value = "!has(self.vdpaType) || !has(self.deviceType) || self.deviceType == 'netdevice'",
        message = "vdpaType needs deviceType netdevice")
public class PolicySpec {
    @Required
    @Pattern("^[A-Za-z0-9_]+$")
    public String resourceName;

    /** Node labels the policy applies to; empty selects every node. */
    public Map<String, String> nodeSelector;

    /** 0 (highest) to 99 (lowest), as upstream. */
    @Min(0)
    @Max(99)
    public Integer priority;

    @Min(68)
    @Max(65535)
    public Integer mtu;

    @Required
    @Min(0)
    @Max(65535)
    public Integer numVfs;

    @Required
    public NicSelector nicSelector;

    @Pattern("^(netdevice|vfio-pci)$")
    public String deviceType;

    @JsonProperty("eSwitchMode")
    @Pattern("^(legacy|switchdev)$")
    public String eSwitchMode;

    @Pattern("^(vhost|virtio)$")
    public String vdpaType;

    @Min(1)
    @Max(65535)
    public Integer maxVqPairs;

    @Pattern("^(vf|random|none)$")
    public String macPolicy;

    /** A software vDPA management device (vdpasim_net) for VFs without their own: test beds. */
    public String vdpaMgmtDevice;
}
