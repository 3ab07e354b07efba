package io.vhostpath.cni;

import io.vhostpath.net.MacAddress;
import io.vhostpath.text.JsonFieldException;
import io.vhostpath.text.JsonFields;
import io.vhostpath.text.JsonFormatException;
import io.vhostpath.text.JsonReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A decoded network configuration (the NAD's {@code spec.config} as the runtime hands it over on stdin).
 * Unknown keys are ignored: runtimes and Multus add their own.
 *
 * @param logicalSwitch mode ovn: the network's OVN logical switch (default: the network's name)
 * @param deviceId     the device the device plugin allocated (VF PCI address or vDPA device name), or null
 * @param mac          the MAC asked for by CNI_ARGS {@code MAC=} or {@code runtimeConfig.mac}, or null (generate)
 * @param ipam         the {@code ipam} section handed to the IPAM plugin, or null
 * @param trunks       VLAN ranges [min, max] for a trunk port, empty for none
 * @param prevResult   the result of ADD that CHECK and DEL are about, or null
 * @param validAttachments GC's {@code cni.dev/valid-attachments} as {@code containerID-ifname} keys
 */
public record NetConf(String cniVersion, String name, String type, AttachMode mode, String bridge, Path ovsdbSocket,
                      Path ovnNorthbound, String logicalSwitch, Integer vlan, List<int[]> trunks, Integer mtu, String deviceId, MacAddress mac,
                      Path deviceInfoFile, Map<String, Object> ipam, Map<String, Object> dns, Map<String, Object> prevResult,
                      Path logFile, Path stateDir, Path socketDir, Set<String> validAttachments, Map<String, Object> raw) {
    public static final List<String> SUPPORTED_VERSIONS = List.of("1.0.0", "1.1.0");
    static final Path DEFAULT_OVSDB = Path.of("/var/run/openvswitch/db.sock");
    static final Path DEFAULT_OVN_NB = Path.of("/var/run/ovn/ovnnb_db.sock");
    static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/cni/vhostpath");

    /** Decodes stdin for {@code env}'s command; every problem is a {@link CniError} naming the field. */
    public static NetConf decode(String stdin, CniEnv env) {
        try {
            return decodeFields(stdin, env);
        } catch (JsonFieldException e) {
            throw CniError.config(e.field(), e.problem());
        }
    }

    private static NetConf decodeFields(String stdin, CniEnv env) {
        Map<String, Object> raw;
        try {
            raw = JsonReader.parseObject(stdin);
        } catch (JsonFormatException e) {
            throw new CniError(CniError.DECODE, "network config on stdin is not valid JSON: " + e.getMessage());
        }
        var f = JsonFields.root(raw);
        String version = f.requiredString("cniVersion");
        if (!SUPPORTED_VERSIONS.contains(version)) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "cniVersion " + version + " is not supported",
                    "supported: " + String.join(", ", SUPPORTED_VERSIONS));
        }
        String name = f.requiredString("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
            throw CniError.config("name", "'" + name + "' must start with a letter or digit and hold only letters, digits, '_', '.', '-'");
        }
        String type = f.requiredString("type");
        AttachMode mode = f.has("mode") ? AttachMode.parse("mode", f.string("mode")) : AttachMode.OVS;
        String bridge = f.string("bridge");
        if (bridge == null) {
            if (mode == AttachMode.OVN) bridge = "br-int";
            else if (env.command().perAttachment()) throw CniError.config("bridge", "required for mode " + mode.configName());
        }
        if (bridge != null && !bridge.matches("[A-Za-z0-9_.\\-]{1,15}")) {
            throw CniError.config("bridge", "'" + bridge + "' is not an OVS bridge name (1-15 letters, digits, '_', '.', '-')");
        }
        String logicalSwitch = f.has("logicalSwitch") ? f.string("logicalSwitch") : name;
        if (logicalSwitch.isEmpty()) throw CniError.config("logicalSwitch", "must not be empty");
        Integer vlan = f.integer("vlan", 0, 4094);
        List<int[]> trunks = trunks(f);
        if (vlan != null && !trunks.isEmpty()) throw CniError.config("trunk", "give either vlan (access port) or trunk, not both");
        Integer mtu = f.integer("mtu", 68, 65535);

        JsonFields rc = f.object("runtimeConfig");
        String deviceId = deviceId(f, rc, env);
        MacAddress mac = mac(rc, env);
        Path deviceInfo = rc == null ? null : absolutePath(rc, "CNIDeviceInfoFile");

        Map<String, Object> ipam = f.rawObject("ipam");
        if (ipam != null) new JsonFields("ipam.", ipam).requiredString("type");
        Path socketDir = absolutePath(f, "socketDir");
        if (mode == AttachMode.VHOST_USER && socketDir == null && env.command().perAttachment()) {
            throw CniError.config("socketDir", "required for mode vhost-user: the host directory the pod mounts");
        }
        return new NetConf(version, name, type, mode, bridge, orDefault(absolutePath(f, "ovsdbSocket"), DEFAULT_OVSDB),
                orDefault(absolutePath(f, "ovnNorthbound"), DEFAULT_OVN_NB), logicalSwitch, vlan, trunks, mtu, deviceId, mac, deviceInfo,
                ipam, f.rawObject("dns"), f.rawObject("prevResult"), absolutePath(f, "logFile"),
                orDefault(absolutePath(f, "stateDir"), DEFAULT_STATE_DIR), socketDir, validAttachments(f), raw);
    }

    /** runtimeConfig.deviceID (capability), top-level deviceID (Multus), CNI_ARGS deviceID: all given must agree. */
    private static String deviceId(JsonFields f, JsonFields rc, CniEnv env) {
        String chosen = null;
        String from = null;
        String[][] sources = {
                {"runtimeConfig.deviceID", rc == null ? null : rc.string("deviceID")},
                {"deviceID", f.string("deviceID")},
                {"CNI_ARGS deviceID", env.args().get("deviceID")}};
        for (String[] s : sources) {
            if (s[1] == null || s[1].isEmpty()) continue;
            if (chosen == null) {
                chosen = s[1];
                from = s[0];
            } else if (!chosen.equals(s[1])) {
                throw CniError.config(s[0], "'" + s[1] + "' differs from " + from + " '" + chosen + "'");
            }
        }
        return chosen;
    }

    private static MacAddress mac(JsonFields rc, CniEnv env) {
        String fromArgs = env.args().get("MAC");
        String fromRc = rc == null ? null : rc.string("mac");
        String field = fromArgs != null ? "CNI_ARGS MAC" : "runtimeConfig.mac";
        String text = fromArgs != null ? fromArgs : fromRc;
        if (text == null) return null;
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw CniError.config(field, "'" + text + "' is not a MAC address");
        }
        if (mac.isMulticast()) throw CniError.config(field, mac + " is a multicast address: an interface needs a unicast one");
        return mac;
    }

    private static List<int[]> trunks(JsonFields f) {
        var out = new ArrayList<int[]>();
        List<?> list = f.list("trunk");
        if (list == null) return out;
        for (int i = 0; i < list.size(); i++) {
            JsonFields t = f.element("trunk", i);
            Integer id = t.integer("id", 0, 4094);
            Integer min = t.integer("minID", 0, 4094);
            Integer max = t.integer("maxID", 0, 4094);
            if (id != null && min == null && max == null) out.add(new int[] {id, id});
            else if (id == null && min != null && max != null && min <= max) out.add(new int[] {min, max});
            else throw CniError.config(f.path("trunk") + "[" + i + "]", "give {\"id\": N} or {\"minID\": A, \"maxID\": B} with A <= B");
        }
        return out;
    }

    private static Set<String> validAttachments(JsonFields f) {
        List<?> list = f.list("cni.dev/valid-attachments");
        if (list == null) return Set.of();
        var keys = new java.util.HashSet<String>();
        for (int i = 0; i < list.size(); i++) {
            JsonFields a = f.element("cni.dev/valid-attachments", i);
            keys.add(a.requiredString("containerID") + "-" + a.requiredString("ifname"));
        }
        return keys;
    }

    private static Path absolutePath(JsonFields f, String key) {
        String s = f.string(key);
        if (s == null) return null;
        Path p = Path.of(s);
        if (!p.isAbsolute() || s.contains("\0")) throw CniError.config(f.path(key), "'" + s + "' must be an absolute path");
        return p;
    }

    private static Path orDefault(Path p, Path otherwise) {
        return p == null ? otherwise : p;
    }
}
