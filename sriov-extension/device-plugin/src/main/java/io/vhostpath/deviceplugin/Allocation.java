package io.vhostpath.deviceplugin;

import io.vhostpath.deviceplugin.api.CDIDevice;
import io.vhostpath.deviceplugin.api.ContainerAllocateResponse;
import io.vhostpath.deviceplugin.api.DeviceSpec;
import io.vhostpath.text.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a container gets for its devices, as the upstream SR-IOV device plugin gives it for vhost vDPA: each
 * {@code /dev/vhost-vdpa-N} at the same path, read-write; {@code PCIDEVICE_<RESOURCE>} with the device IDs,
 * comma-separated; {@code PCIDEVICE_<RESOURCE>_INFO} with each ID's generic and vdpa details; and, when a CDI
 * spec is written, the devices' CDI names.
 */
public final class Allocation {
    private Allocation() {}

    /** {@code vendor.io/vdpa_vhost} to {@code PCIDEVICE_VENDOR_IO_VDPA_VHOST}. */
    public static String envName(String resource) {
        return "PCIDEVICE_" + resource.toUpperCase(Locale.ROOT).replace('.', '_').replace('/', '_');
    }

    /**
     * @param resource the full resource name, {@code prefix/name}
     * @param cdiKind  the CDI kind the plugin's spec declares, or null when it writes none
     */
    public static ContainerAllocateResponse container(String resource, List<DeviceHealth> devices, String cdiKind) {
        var r = ContainerAllocateResponse.newBuilder();
        var ids = new StringBuilder();
        var info = new LinkedHashMap<String, Object>();
        for (DeviceHealth h : devices) {
            String node = h.node().path().toString();
            r.addDevices(DeviceSpec.newBuilder().setHostPath(node).setContainerPath(node).setPermissions("rw"));
            if (!ids.isEmpty()) ids.append(',');
            ids.append(h.device().id());
            info.put(h.device().id(), Map.of("generic", Map.of("deviceID", h.device().id()), "vdpa", Map.of("mount", node)));
            if (cdiKind != null) r.addCdiDevices(CDIDevice.newBuilder().setName(cdiKind + "=" + CdiSpec.deviceName(h.device())));
        }
        String env = envName(resource);
        r.putEnvs(env, ids.toString());
        r.putEnvs(env + "_INFO", Json.write(info));
        return r.build();
    }
}
