package io.vhostpath.kubevirt;

import io.vhostpath.text.JsonFields;
import io.vhostpath.text.JsonReader;

import java.util.ArrayList;
import java.util.List;

/**
 * What the sidecar reads of a VirtualMachineInstance (kubevirt.io/v1): its interfaces under
 * {@code spec.domain.devices.interfaces} and {@code networkInterfaceMultiqueue}.
 */
record Vmi(String name, boolean multiqueue, List<Interface> interfaces) {
    /** A VMI interface; {@code binding} is the plugin name of {@code binding: {name: ...}}, or null. */
    record Interface(String name, String binding, String mac, String pciAddress, Integer bootOrder, String model) {}

    static Vmi parse(String json) throws MutationException {
        try {
            var root = JsonFields.root(JsonReader.parseObject(json));
            JsonFields meta = root.object("metadata");
            String name = meta == null ? "?" : meta.string("name");
            JsonFields devices = root.object("spec") == null || root.object("spec").object("domain") == null ? null
                    : root.object("spec").object("domain").object("devices");
            var interfaces = new ArrayList<Interface>();
            boolean multiqueue = false;
            if (devices != null) {
                multiqueue = Boolean.TRUE.equals(devices.bool("networkInterfaceMultiqueue"));
                List<?> list = devices.list("interfaces");
                for (int i = 0; list != null && i < list.size(); i++) {
                    JsonFields f = devices.element("interfaces", i);
                    JsonFields binding = f.object("binding");
                    interfaces.add(new Interface(f.requiredString("name"), binding == null ? null : binding.requiredString("name"),
                            f.string("macAddress"), f.string("pciAddress"), f.integer("bootOrder", 1, Integer.MAX_VALUE), f.string("model")));
                }
            }
            return new Vmi(name, multiqueue, List.copyOf(interfaces));
        } catch (IllegalArgumentException e) { // JsonFormatException, JsonFieldException: both name where
            throw new MutationException("VMI JSON: " + e.getMessage());
        }
    }

    List<Interface> boundTo(String binding) {
        return interfaces.stream().filter(i -> binding.equals(i.binding())).toList();
    }
}
