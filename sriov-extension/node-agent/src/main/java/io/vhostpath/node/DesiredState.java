package io.vhostpath.node;

import io.vhostpath.node.NodePolicy.DeviceType;
import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.node.NodePolicy.MacPolicy;
import io.vhostpath.node.NodePolicy.NicSelector;
import io.vhostpath.node.NodePolicy.VdpaType;
import io.vhostpath.text.JsonFieldException;
import io.vhostpath.text.JsonFields;
import io.vhostpath.text.JsonFormatException;
import io.vhostpath.text.JsonReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a node should look like: the policies that select its PFs. A plain typed value, decoded from the agent's
 * desired-state file now and from the per-node resource the controller writes later; {@link #decode} checks every
 * rule (upstream's included) and reports every problem at once, each naming the policy and the field.
 */
public record DesiredState(String node, List<NodePolicy> policies) {
    private static final String RESOURCE_NAME = "[A-Za-z0-9_]+";
    private static final String PCI_ADDRESS = "[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]";
    private static final String HEX_ID = "[0-9a-fA-F]{4}";
    /** The PCI SR-IOV capability's TotalVFs is 16 bits; no NIC comes close, the kernel's sriov_totalvfs decides. */
    private static final int MAX_VFS = 65535;

    /** Decodes and validates a desired-state document. */
    public static DesiredState decode(String json) {
        Map<String, Object> raw;
        try {
            raw = JsonReader.parseObject(json);
        } catch (JsonFormatException e) {
            throw new DesiredStateException(List.of("not valid JSON: " + e.getMessage()));
        }
        var problems = new ArrayList<String>();
        var f = JsonFields.root(raw);
        String node = field(problems, () -> f.requiredString("node"));
        var policies = new ArrayList<NodePolicy>();
        List<?> list = field(problems, () -> f.list("policies"));
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                int index = i;
                JsonFields p = field(problems, () -> f.element("policies", index));
                if (p != null) {
                    NodePolicy policy = policy(p, problems);
                    if (policy != null) policies.add(policy);
                }
            }
        }
        if (problems.isEmpty()) PolicyRules.check(policies, problems);
        if (!problems.isEmpty()) throw new DesiredStateException(problems);
        return new DesiredState(node, List.copyOf(policies));
    }

    private static NodePolicy policy(JsonFields p, List<String> problems) {
        int before = problems.size();
        String name = field(problems, () -> p.requiredString("name"));
        String resourceName = field(problems, () -> p.requiredString("resourceName"));
        if (resourceName != null && !resourceName.matches(RESOURCE_NAME)) {
            problems.add("field '" + p.path("resourceName") + "': '" + resourceName + "' may hold only letters, digits and '_'");
        }
        Integer priority = field(problems, () -> p.integer("priority", 0, 99));
        Integer numVfs = field(problems, () -> p.integer("numVfs", 0, MAX_VFS));
        if (!p.has("numVfs")) problems.add("field '" + p.path("numVfs") + "': required, not given");
        DeviceType deviceType = choice(p, "deviceType", DeviceType.class, DeviceType.NETDEVICE, problems);
        EswitchMode eswitch = choice(p, "eSwitchMode", EswitchMode.class, EswitchMode.LEGACY, problems);
        VdpaType vdpa = choice(p, "vdpaType", VdpaType.class, null, problems);
        MacPolicy mac = choice(p, "macPolicy", MacPolicy.class, MacPolicy.VF, problems);
        Integer mtu = field(problems, () -> p.integer("mtu", 68, 65535));
        Integer vqp = field(problems, () -> p.integer("maxVqPairs", 1, 0xffff));
        String mgmt = field(problems, () -> p.string("vdpaMgmtDevice"));
        if (mgmt != null) {
            try {
                io.vhostpath.vdpa.NewDevice.checkMgmtHandle(mgmt);
            } catch (IllegalArgumentException e) {
                problems.add("field '" + p.path("vdpaMgmtDevice") + "': " + e.getMessage());
            }
        }
        if (mgmt != null && vdpa == null) problems.add("field '" + p.path("vdpaMgmtDevice") + "': only meaningful with vdpaType");
        NicSelector nic = nicSelector(p, problems);
        if (problems.size() > before) return null;
        return new NodePolicy(name, resourceName, priority == null ? 99 : priority, numVfs, nic, deviceType, eswitch, vdpa, mtu, vqp, mac, mgmt);
    }

    private static NicSelector nicSelector(JsonFields p, List<String> problems) {
        JsonFields nic = field(problems, () -> p.object("nicSelector"));
        if (nic == null) {
            problems.add("field '" + p.path("nicSelector") + "': required, not given");
            return null;
        }
        String vendor = field(problems, () -> nic.string("vendor"));
        String device = field(problems, () -> nic.string("deviceID"));
        for (var id : List.of(new String[] {"vendor", vendor}, new String[] {"deviceID", device})) {
            if (id[1] != null && !id[1].matches(HEX_ID)) problems.add("field '" + nic.path(id[0]) + "': '" + id[1] + "' is not 4 hex digits");
        }
        var roots = strings(nic, "rootDevices", problems);
        for (String r : roots) if (!r.matches(PCI_ADDRESS)) problems.add("field '" + nic.path("rootDevices") + "': '" + r + "' is not a PCI address");
        var names = new ArrayList<PfName>();
        for (String n : strings(nic, "pfNames", problems)) {
            try {
                names.add(PfName.parse(n));
            } catch (IllegalArgumentException e) {
                problems.add("field '" + nic.path("pfNames") + "': " + e.getMessage());
            }
        }
        if (vendor == null && roots.isEmpty() && names.isEmpty()) {
            problems.add("field '" + p.path("nicSelector") + "': selects nothing: give pfNames, rootDevices or vendor");
        }
        return new NicSelector(vendor == null ? null : vendor.toLowerCase(Locale.ROOT), device == null ? null : device.toLowerCase(Locale.ROOT),
                roots.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList(), List.copyOf(names));
    }

    private static List<String> strings(JsonFields f, String key, List<String> problems) {
        List<?> list = field(problems, () -> f.list(key));
        if (list == null) return List.of();
        var out = new ArrayList<String>();
        for (Object o : list) {
            if (o instanceof String s) out.add(s);
            else problems.add("field '" + f.path(key) + "': every element must be a string, found " + JsonReader.typeName(o));
        }
        return out;
    }

    /** An enum field as the operator spells it (lower case, '-' for '_'), or its default. */
    private static <E extends Enum<E>> E choice(JsonFields f, String key, Class<E> type, E otherwise, List<String> problems) {
        String s = field(problems, () -> f.string(key));
        if (s == null) return otherwise;
        var allowed = new ArrayList<String>();
        for (E e : type.getEnumConstants()) {
            if (PolicyRules.spelled(e).equals(s)) return e;
            allowed.add(PolicyRules.spelled(e));
        }
        problems.add("field '" + f.path(key) + "': '" + s + "' is none of " + String.join(", ", allowed));
        return otherwise;
    }

    private interface Read<T> {
        T get();
    }

    /** A field's value, or null with the problem recorded. */
    private static <T> T field(List<String> problems, Read<T> read) {
        try {
            return read.get();
        } catch (JsonFieldException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}
