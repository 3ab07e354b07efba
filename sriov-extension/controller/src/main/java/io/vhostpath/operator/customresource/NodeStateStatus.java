package io.vhostpath.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What the node agent observed and did: PFs, VFs, vDPA devices with their /dev paths, conditions, the last error. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStateStatus {
    public Long observedGeneration;
    public List<Condition> conditions = new ArrayList<>();
    public String lastError;
    public List<PfStatus> pfs = new ArrayList<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PfStatus {
        public String netdev;
        public String devlink;
        /** The PF's bus address (a PCI address for rootDevices). */
        public String address;
        /** Whether the node's desired state selects it. */
        public Boolean selected;
        public String vendor;
        public String deviceID;
        public Integer totalVfs;
        public Integer numVfs;
        public String eswitchMode;
        public Boolean ownedByAgent;
        public List<VfStatus> vfs = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class VfStatus {
        public Integer index;
        public String pciAddress;
        public String driver;
        public String representor;
        public String resourceName;
        public VdpaDeviceStatus vdpaDevice;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class VdpaDeviceStatus {
        public String name;
        public String mgmtdev;
        public String driver;
        /** {@code /dev/vhost-vdpa-N} when bound to vhost_vdpa. */
        public String path;
        /** The kernel netdev when bound to virtio_vdpa. */
        public String netdev;
        public String mac;
        public Integer mtu;
        public Boolean ownedByAgent;
    }
}
