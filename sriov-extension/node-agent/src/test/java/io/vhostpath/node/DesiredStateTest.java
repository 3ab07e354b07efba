package io.vhostpath.node;

import io.vhostpath.node.NodePolicy.DeviceType;
import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.node.NodePolicy.MacPolicy;
import io.vhostpath.node.NodePolicy.VdpaType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DesiredStateTest {
    private static final String VHOST = """
            {"name": "vdpa-vhost", "resourceName": "vdpa_vhost", "priority": 10, "numVfs": 8, "eSwitchMode": "switchdev",
             "deviceType": "netdevice", "vdpaType": "vhost", "mtu": 9000, "maxVqPairs": 2, "macPolicy": "random",
             "nicSelector": {"vendor": "15B3", "deviceID": "101d", "pfNames": ["ens1f0#0-3"], "rootDevices": ["0000:65:00.0"]}}""";
    private static final String VIRTIO = """
            {"name": "vdpa-virtio", "resourceName": "vdpa_virtio", "numVfs": 8, "eSwitchMode": "switchdev",
             "vdpaType": "virtio", "nicSelector": {"pfNames": ["ens1f0#4-7"]}}""";

    private static DesiredState decode(String... policies) {
        return DesiredState.decode("{\"node\": \"worker-1\", \"policies\": [" + String.join(",", policies) + "]}");
    }

    private static List<String> problems(String... policies) {
        return assertThrows(DesiredStateException.class, () -> decode(policies)).problems();
    }

    @Test
    void every_field_is_decoded_and_defaults_are_upstreams() {
        DesiredState s = decode(VHOST, VIRTIO);
        assertEquals("worker-1", s.node());
        NodePolicy p = s.policies().get(0);
        assertEquals("vdpa_vhost", p.resourceName());
        assertEquals(10, p.priority());
        assertEquals(8, p.numVfs());
        assertEquals(EswitchMode.SWITCHDEV, p.eswitchMode());
        assertEquals(DeviceType.NETDEVICE, p.deviceType());
        assertEquals(VdpaType.VHOST, p.vdpaType());
        assertEquals(9000, p.mtu());
        assertEquals(2, p.maxVqPairs());
        assertEquals(MacPolicy.RANDOM, p.macPolicy());
        assertEquals("15b3", p.nicSelector().vendor(), "ids are compared in lower case");
        assertEquals(List.of(new PfName("ens1f0", 0, 3)), p.nicSelector().pfNames());
        assertEquals(List.of("0000:65:00.0"), p.nicSelector().rootDevices());
        NodePolicy v = s.policies().get(1);
        assertEquals(99, v.priority());
        assertEquals(DeviceType.NETDEVICE, v.deviceType());
        assertEquals(MacPolicy.VF, v.macPolicy());
        assertEquals(VdpaType.VIRTIO, v.vdpaType());
    }

    @Test
    void the_sample_desired_state_decodes() throws Exception {
        DesiredState s = DesiredState.decode(java.nio.file.Files.readString(java.nio.file.Path.of("../../samples/node/desired-state.json")));
        assertEquals(List.of("vdpa_vhost", "vdpa_virtio"), s.policies().stream().map(NodePolicy::resourceName).toList());
    }

    @Test
    void pf_names_take_every_vf_or_a_range() {
        assertEquals(new PfName("ens1f0", -1, -1), PfName.parse("ens1f0"));
        assertEquals(0, PfName.parse("ens1f0").first());
        assertEquals(7, PfName.parse("ens1f0").last(8));
        assertEquals(new PfName("p0", 2, 5), PfName.parse("p0#2-5"));
        for (String bad : List.of("", "#0-1", "ens1f0#", "ens1f0#3", "ens1f0#5-2", "a/b", "x".repeat(16), "p0#-1-2")) {
            assertThrows(IllegalArgumentException.class, () -> PfName.parse(bad), bad);
        }
    }

    @Test
    void upstreams_rules_hold_vdpa_needs_switchdev_and_netdevice() {
        assertEquals(List.of("policy a: vdpaType needs deviceType netdevice, not vfio-pci",
                        "policy a: vdpaType needs eSwitchMode switchdev, not legacy"),
                problems("{\"name\":\"a\",\"resourceName\":\"r\",\"numVfs\":2,\"deviceType\":\"vfio-pci\",\"vdpaType\":\"vhost\","
                        + "\"nicSelector\":{\"pfNames\":[\"p0\"]}}"));
    }

    @Test
    void policies_on_one_pf_must_agree_and_never_share_a_vf() {
        assertEquals(List.of("PF ens1f0: policies vdpa-vhost (ens1f0#0-3) and vdpa-virtio (ens1f0#2-7) ask for vhost and virtio on the same VFs"),
                problems(VHOST, VIRTIO.replace("#4-7", "#2-7")));
        assertEquals(List.of("PF ens1f0: policies vdpa-vhost and vdpa-virtio ask for 8 and 4 VFs",
                        "policy vdpa-virtio: ens1f0#4-7 takes VF 7 but numVfs is 4"),
                problems(VHOST, VIRTIO.replace("\"numVfs\": 8", "\"numVfs\": 4")).stream().sorted().toList());
        assertEquals(List.of("policy vdpa-vhost: the name is used twice",
                        "PF ens1f0: policies vdpa-vhost (ens1f0#0-3) and vdpa-vhost (ens1f0#0-3) take overlapping VFs"),
                problems(VHOST, VHOST));
    }

    @Test
    void every_bad_field_is_reported_at_once_with_its_path() {
        assertEquals(List.of(
                        "field 'policies[0].resourceName': 'vdpa-vhost' may hold only letters, digits and '_'",
                        "field 'policies[0].priority': 100 is outside 0..99",
                        "field 'policies[0].vdpaType': 'vdpa' is none of vhost, virtio",
                        "field 'policies[0].mtu': must be an integer, found string",
                        "field 'policies[0].nicSelector.vendor': '15b' is not 4 hex digits",
                        "field 'policies[0].nicSelector.rootDevices': '65:00.0' is not a PCI address",
                        "field 'policies[0].nicSelector.pfNames': 'ens1f0#3-1': the range starts after it ends"),
                problems(VHOST.replace("\"vdpa_vhost\"", "\"vdpa-vhost\"").replace("\"priority\": 10", "\"priority\": 100")
                        .replace("\"vdpaType\": \"vhost\"", "\"vdpaType\": \"vdpa\"").replace("\"mtu\": 9000", "\"mtu\": \"9000\"")
                        .replace("15B3", "15b").replace("0000:65:00.0", "65:00.0").replace("#0-3", "#3-1")));
        assertEquals(List.of("field 'node': required, not given", "field 'policies[0].name': required, not given",
                        "field 'policies[0].numVfs': required, not given",
                        "field 'policies[0].nicSelector': selects nothing: give pfNames, rootDevices or vendor"),
                assertThrows(DesiredStateException.class, () -> DesiredState.decode(
                        "{\"policies\": [{\"resourceName\": \"r\", \"nicSelector\": {}}]}")).problems());
        assertEquals(List.of("not valid JSON: expected ',' or '}' in an object, found end of input at offset 12"),
                assertThrows(DesiredStateException.class, () -> DesiredState.decode("{\"node\": \"x\"")).problems());
    }
}
