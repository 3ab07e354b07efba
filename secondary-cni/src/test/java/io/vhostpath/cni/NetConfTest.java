package io.vhostpath.cni;

import io.vhostpath.net.MacAddress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetConfTest {
    static final Map<String, String> ADD_ENV = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c0ffee", "CNI_NETNS",
            "/var/run/netns/x", "CNI_IFNAME", "net1", "CNI_PATH", "/opt/cni/bin:/usr/lib/cni");

    static CniEnv env(Map<String, String> base, String... overrides) {
        var m = new java.util.HashMap<>(base);
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) m.remove(overrides[i]);
            else m.put(overrides[i], overrides[i + 1]);
        }
        return CniEnv.from(m);
    }

    private static NetConf decode(String json) {
        return NetConf.decode(json, env(ADD_ENV));
    }

    private static CniError error(String json) {
        return assertThrows(CniError.class, () -> decode(json));
    }

    @Test
    void every_field_is_decoded() {
        NetConf c = NetConf.decode("""
                {"cniVersion":"1.1.0","name":"vdpa-net","type":"vhostpath-cni","mode":"ovs","bridge":"br-vdpa",
                 "ovsdbSocket":"/run/ovs/db.sock","ovnNorthbound":"/run/ovn/nb.sock","vlan":100,"mtu":9000,
                 "deviceID":"0000:65:00.2","logFile":"/var/log/vp.log","stateDir":"/tmp/vp","socketDir":"/var/lib/vp",
                 "ipam":{"type":"host-local","subnet":"10.1.0.0/24"},"dns":{"nameservers":["10.1.0.1"]},
                 "runtimeConfig":{"deviceID":"0000:65:00.2","mac":"02:00:00:00:00:01","CNIDeviceInfoFile":"/run/di.json"},
                 "prevResult":{"cniVersion":"1.1.0"},"somethingMultusAdds":{"x":1}}""", env(ADD_ENV));
        assertEquals("1.1.0", c.cniVersion());
        assertEquals("vdpa-net", c.name());
        assertEquals(AttachMode.OVS, c.mode());
        assertEquals("br-vdpa", c.bridge());
        assertEquals(Path.of("/run/ovs/db.sock"), c.ovsdbSocket());
        assertEquals(Path.of("/run/ovn/nb.sock"), c.ovnNorthbound());
        assertEquals(100, c.vlan());
        assertEquals(9000, c.mtu());
        assertEquals("0000:65:00.2", c.deviceId());
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), c.mac());
        assertEquals(Path.of("/run/di.json"), c.deviceInfoFile());
        assertEquals("host-local", c.ipam().get("type"));
        assertEquals(List.of("10.1.0.1"), c.dns().get("nameservers"));
        assertEquals(Path.of("/var/log/vp.log"), c.logFile());
        assertEquals(Path.of("/tmp/vp"), c.stateDir());
        assertEquals(Path.of("/var/lib/vp"), c.socketDir());
        assertEquals("1.1.0", c.prevResult().get("cniVersion"));
    }

    @Test
    void defaults_and_both_versions() {
        for (String v : NetConf.SUPPORTED_VERSIONS) {
            NetConf c = decode("{\"cniVersion\":\"" + v + "\",\"name\":\"n\",\"type\":\"t\",\"bridge\":\"br0\"}");
            assertEquals(v, c.cniVersion());
            assertEquals(AttachMode.OVS, c.mode());
            assertEquals(NetConf.DEFAULT_OVSDB, c.ovsdbSocket());
            assertEquals(NetConf.DEFAULT_STATE_DIR, c.stateDir());
            assertNull(c.deviceId());
            assertNull(c.mac());
            assertNull(c.ipam());
        }
        assertEquals("br-int", decode("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"mode\":\"ovn\"}").bridge());
    }

    @Test
    void the_device_id_comes_from_runtime_config_top_level_or_cni_args_and_they_must_agree() {
        String base = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"bridge\":\"br0\"";
        assertEquals("vdpa0", decode(base + ",\"deviceID\":\"vdpa0\"}").deviceId());
        assertEquals("vdpa1", decode(base + ",\"runtimeConfig\":{\"deviceID\":\"vdpa1\"}}").deviceId());
        assertEquals("vdpa2", NetConf.decode(base + "}", env(ADD_ENV, "CNI_ARGS", "IgnoreUnknown=1;deviceID=vdpa2")).deviceId());
        var e = error(base + ",\"deviceID\":\"vdpa0\",\"runtimeConfig\":{\"deviceID\":\"vdpa1\"}}");
        assertEquals(CniError.INVALID_CONFIG, e.code());
        assertEquals("network config field 'deviceID': 'vdpa0' differs from runtimeConfig.deviceID 'vdpa1'", e.getMessage());
    }

    @Test
    void the_mac_comes_from_cni_args_before_runtime_config() {
        String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"bridge\":\"br0\",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:01\"}}";
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), decode(conf).mac());
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), NetConf.decode(conf, env(ADD_ENV, "CNI_ARGS", "MAC=02:00:00:00:00:02")).mac());
        assertEquals("network config field 'CNI_ARGS MAC': 01:00:5e:00:00:01 is a multicast address: an interface needs a unicast one",
                assertThrows(CniError.class, () -> NetConf.decode(conf, env(ADD_ENV, "CNI_ARGS", "MAC=01:00:5e:00:00:01"))).getMessage());
    }

    @Test
    void trunks_take_ids_and_ranges() {
        NetConf c = decode("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"bridge\":\"br0\",\"trunk\":[{\"id\":5},{\"minID\":10,\"maxID\":12}]}");
        assertEquals(2, c.trunks().size());
        assertArrayEquals(new int[] {5, 5}, c.trunks().get(0));
        assertArrayEquals(new int[] {10, 12}, c.trunks().get(1));
    }

    @Test
    void gc_reads_valid_attachments() {
        NetConf c = NetConf.decode("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"cni.dev/valid-attachments\":"
                + "[{\"containerID\":\"a\",\"ifname\":\"net1\"},{\"containerID\":\"b\",\"ifname\":\"net2\"}]}", CniEnv.from(Map.of("CNI_COMMAND", "GC")));
        assertEquals(Set.of("a-net1", "b-net2"), c.validAttachments());
    }

    @Test
    void each_bad_field_is_named_with_the_spec_code() {
        record Bad(String json, int code, String message) {}
        String ok = "\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"bridge\":\"br0\"";
        for (Bad b : List.of(
                new Bad("{", CniError.DECODE, "network config on stdin is not valid JSON: expected a member name in quotes, found end of input at offset 1"),
                new Bad("[]", CniError.DECODE, "network config on stdin is not valid JSON: expected a JSON object, found array at offset 0"),
                new Bad("{\"name\":\"n\"}", CniError.INVALID_CONFIG, "network config field 'cniVersion': required, not given"),
                new Bad("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"t\"}", CniError.INCOMPATIBLE_VERSION, "cniVersion 0.4.0 is not supported"),
                new Bad("{\"cniVersion\":1,\"name\":\"n\"}", CniError.INVALID_CONFIG, "network config field 'cniVersion': must be a string, found number"),
                new Bad("{\"cniVersion\":\"1.1.0\",\"name\":\"a b\",\"type\":\"t\"}", CniError.INVALID_CONFIG,
                        "network config field 'name': 'a b' must start with a letter or digit and hold only letters, digits, '_', '.', '-'"),
                new Bad("{" + ok + ",\"mode\":\"sriov\"}", CniError.INVALID_CONFIG, "network config field 'mode': 'sriov' is none of ovs, ovn, vhost-user"),
                new Bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"}", CniError.INVALID_CONFIG, "network config field 'bridge': required for mode ovs"),
                new Bad("{" + ok + ",\"vlan\":4095}", CniError.INVALID_CONFIG, "network config field 'vlan': 4095 is outside 0..4094"),
                new Bad("{" + ok + ",\"vlan\":\"7\"}", CniError.INVALID_CONFIG, "network config field 'vlan': must be an integer, found string"),
                new Bad("{" + ok + ",\"mtu\":67}", CniError.INVALID_CONFIG, "network config field 'mtu': 67 is outside 68..65535"),
                new Bad("{" + ok + ",\"vlan\":1,\"trunk\":[{\"id\":2}]}", CniError.INVALID_CONFIG, "network config field 'trunk': give either vlan (access port) or trunk, not both"),
                new Bad("{" + ok + ",\"trunk\":[{\"minID\":9,\"maxID\":2}]}", CniError.INVALID_CONFIG,
                        "network config field 'trunk[0]': give {\"id\": N} or {\"minID\": A, \"maxID\": B} with A <= B"),
                new Bad("{" + ok + ",\"trunk\":[3]}", CniError.INVALID_CONFIG, "network config field 'trunk[0]': must be an object, found number"),
                new Bad("{" + ok + ",\"ipam\":{}}", CniError.INVALID_CONFIG, "network config field 'ipam.type': required, not given"),
                new Bad("{" + ok + ",\"runtimeConfig\":{\"mac\":\"zz\"}}", CniError.INVALID_CONFIG, "network config field 'runtimeConfig.mac': 'zz' is not a MAC address"),
                new Bad("{" + ok + ",\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"rel/x.json\"}}", CniError.INVALID_CONFIG,
                        "network config field 'runtimeConfig.CNIDeviceInfoFile': 'rel/x.json' must be an absolute path"),
                new Bad("{" + ok + ",\"bridge\":\"br0;rm\"}", CniError.INVALID_CONFIG,
                        "network config field 'bridge': 'br0;rm' is not an OVS bridge name (1-15 letters, digits, '_', '.', '-')"),
                new Bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"mode\":\"vhost-user\",\"bridge\":\"br0\"}", CniError.INVALID_CONFIG,
                        "network config field 'socketDir': required for mode vhost-user: the host directory the pod mounts"))) {
            var e = error(b.json());
            assertEquals(b.code(), e.code(), b.json());
            assertEquals(b.message(), e.getMessage(), b.json());
        }
    }

    @Test
    void the_environment_is_checked_per_command() {
        assertEquals("environment variable CNI_COMMAND: not set", assertThrows(CniError.class, () -> CniEnv.from(Map.of())).getMessage());
        assertEquals("environment variable CNI_COMMAND: 'add' is none of ADD, DEL, CHECK, STATUS, GC, VERSION",
                assertThrows(CniError.class, () -> env(ADD_ENV, "CNI_COMMAND", "add")).getMessage());
        assertEquals("environment variable CNI_NETNS: not set", assertThrows(CniError.class, () -> env(ADD_ENV, "CNI_NETNS", null)).getMessage());
        assertEquals("environment variable CNI_IFNAME: 'a/b' is not a valid interface name (at most 15 characters, no '/', ':' or spaces)",
                assertThrows(CniError.class, () -> env(ADD_ENV, "CNI_IFNAME", "a/b")).getMessage());
        assertEquals(CniError.INVALID_ENV, assertThrows(CniError.class, () -> env(ADD_ENV, "CNI_IFNAME", "x".repeat(16))).code());
        assertEquals(CniError.INVALID_ENV, assertThrows(CniError.class, () -> env(ADD_ENV, "CNI_CONTAINERID", "../x")).code());
        assertEquals("environment variable CNI_ARGS: 'novalue' is not KEY=VALUE",
                assertThrows(CniError.class, () -> env(ADD_ENV, "CNI_ARGS", "novalue")).getMessage());
        // DEL may come without a namespace (it is gone); STATUS and GC name no attachment.
        assertNull(env(ADD_ENV, "CNI_COMMAND", "DEL", "CNI_NETNS", null).netns());
        assertEquals(CniCommand.STATUS, CniEnv.from(Map.of("CNI_COMMAND", "STATUS")).command());
        assertEquals(List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")), env(ADD_ENV).path());
    }
}
