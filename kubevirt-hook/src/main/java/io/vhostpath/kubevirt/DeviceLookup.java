package io.vhostpath.kubevirt;

import io.vhostpath.text.JsonFields;
import io.vhostpath.text.JsonReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds each bound interface's device: in the pod's network-info (KubeVirt's downward API {@code device-info},
 * {@code /etc/podinfo/network-info}: {@code {"interfaces":[{"network", "deviceInfo", "mac"}]}}), which names the network of
 * each device; failing that, in the device plugin's {@code PCIDEVICE_<RESOURCE>_INFO} variables, which do not: a
 * device found there is used only when one interface and one device remain, so no VM gets another's device.
 */
final class DeviceLookup {
    private DeviceLookup() {}

    /** The network-info entry of one network: its device and the MAC Multus reported (or null). */
    record Found(Device device, String mac) {}

    static Map<String, Found> resolve(List<Vmi.Interface> bound, String networkInfo, Map<String, String> env) throws MutationException {
        Map<String, Map<String, Object>> byNetwork = networks(networkInfo);
        var out = new LinkedHashMap<String, Found>();
        var missing = new ArrayList<Vmi.Interface>();
        for (Vmi.Interface i : bound) {
            Map<String, Object> entry = byNetwork.get(i.name());
            if (entry == null || entry.get("deviceInfo") == null) {
                missing.add(i);
                continue;
            }
            var f = JsonFields.root(entry);
            try {
                out.put(i.name(), new Found(device(i.name(), f.object("deviceInfo")), f.string("mac")));
            } catch (IllegalArgumentException e) {
                throw MutationException.of(i.name(), "network-info: " + e.getMessage());
            }
        }
        if (!missing.isEmpty()) {
            List<String> left = new ArrayList<>(envDevices(env));
            out.values().forEach(f -> left.remove(f.device().path()));
            if (missing.size() == 1 && left.size() == 1) out.put(missing.getFirst().name(), new Found(new Device.Vdpa(left.getFirst()), null));
            else {
                throw MutationException.of(missing.getFirst().name(), "no device-info for network '" + missing.getFirst().name()
                        + "' in network-info" + (networkInfo == null ? " (no network-info file: is downwardAPI device-info set on the binding?)" : "")
                        + ", and the device plugin's PCIDEVICE_*_INFO leaves " + left.size() + " vDPA device(s) " + left + " for "
                        + missing.size() + " interface(s): " + (left.isEmpty() ? "was a device allocated (resourceName on the NAD)?"
                        : "cannot tell which is whose"));
            }
        }
        var owner = new HashMap<String, String>();
        for (var e : out.entrySet()) {
            String other = owner.putIfAbsent(e.getValue().device().path(), e.getKey());
            if (other != null) throw MutationException.of(e.getKey(), "device " + e.getValue().device().path() + " is also interface " + other + "'s");
        }
        return out;
    }

    private static Map<String, Map<String, Object>> networks(String networkInfo) throws MutationException {
        var out = new HashMap<String, Map<String, Object>>();
        if (networkInfo == null) return out;
        try {
            var root = JsonFields.root(JsonReader.parseObject(networkInfo));
            List<?> list = root.list("interfaces");
            for (int i = 0; list != null && i < list.size(); i++) {
                JsonFields f = root.element("interfaces", i);
                out.put(f.requiredString("network"), f.map());
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new MutationException("network-info: " + e.getMessage());
        }
    }

    private static Device device(String iface, JsonFields info) throws MutationException {
        String type = info.requiredString("type");
        switch (type) {
            case "vdpa" -> {
                JsonFields vdpa = info.object("vdpa");
                String path = vdpa == null ? null : vdpa.string("path");
                if (path == null || !path.startsWith("/dev/vhost-vdpa-")) {
                    String driver = vdpa == null ? null : vdpa.string("driver");
                    throw MutationException.of(iface, "device-info of type vdpa has no /dev/vhost-vdpa-N path"
                            + ("virtio".equals(driver) ? " (driver virtio: the device is bound to virtio_vdpa, a netdev, not vhost_vdpa)" : ""));
                }
                return new Device.Vdpa(path);
            }
            case "vhost-user" -> {
                JsonFields vu = info.object("vhost-user");
                if (vu == null) throw MutationException.of(iface, "device-info of type vhost-user has no vhost-user object");
                return new Device.VhostUser(vu.requiredString("path"), "server".equals(vu.string("mode")));
            }
            default -> throw MutationException.of(iface, "device-info of type '" + type + "': this binding drives vdpa or vhost-user devices");
        }
    }

    /** The /dev paths in every {@code PCIDEVICE_*_INFO}, in variable and device order. */
    private static List<String> envDevices(Map<String, String> env) {
        var out = new ArrayList<String>();
        for (var e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith("PCIDEVICE_") || !e.getKey().endsWith("_INFO")) continue;
            try {
                for (Object v : JsonReader.parseObject(e.getValue()).values()) {
                    if (v instanceof Map<?, ?> dev && dev.get("vdpa") instanceof Map<?, ?> vdpa && vdpa.get("mount") instanceof String p) out.add(p);
                }
            } catch (IllegalArgumentException ignored) {
                // another plugin's variable in another format: not ours to read
            }
        }
        return out;
    }
}
