package io.vhostpath.cni;

import io.vhostpath.net.MacAddress;
import io.vhostpath.text.Json;
import io.vhostpath.vdpa.sysfs.VhostVdpaPath;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResultsTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final Map<String, Object> IPAM = Map.of(
            "ips", List.of(Map.of("address", "10.1.0.5/24", "gateway", "10.1.0.1")),
            "routes", List.of(Map.of("dst", "0.0.0.0/0")), "dns", Map.of());

    private static NetConf conf(String version) {
        return NetConf.decode("{\"cniVersion\":\"" + version + "\",\"name\":\"n\",\"type\":\"t\",\"bridge\":\"br0\",\"mtu\":9000,"
                + "\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}", NetConfTest.env(NetConfTest.ADD_ENV));
    }

    private static final VdpaTarget VF = new VdpaTarget("vdpa0", new VhostVdpaPath("vdpa0", Path.of("/dev/vhost-vdpa-0"), 240, 0),
            "0000:65:00.2");

    @Test
    void a_1_1_result_has_the_representor_then_the_sandbox_interface_with_mtu_and_pci_id() {
        var r = Results.add(conf("1.1.0"), NetConfTest.env(NetConfTest.ADD_ENV), MAC, "eth7", VF, null, IPAM);
        assertEquals(io.vhostpath.text.JsonReader.parse("{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"eth7\"},{\"name\":\"net1\",\"mac\":\"02:00:00:00:00:01\","
                + "\"mtu\":9000,\"sandbox\":\"/var/run/netns/x\",\"pciID\":\"0000:65:00.2\"}],\"ips\":[{\"address\":\"10.1.0.5/24\","
                + "\"gateway\":\"10.1.0.1\",\"interface\":1}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}"),
                io.vhostpath.text.JsonReader.parse(Json.write(r)), "the same document; member order of maps aside");
        assertEquals(List.of("cniVersion", "interfaces", "ips", "routes", "dns"), List.copyOf(r.keySet()), "the spec's order");
    }

    @Test
    void a_1_0_result_leaves_out_the_fields_1_1_added_and_a_vhost_user_one_names_its_socket_only_in_1_1() {
        var r10 = Results.add(conf("1.0.0"), NetConfTest.env(NetConfTest.ADD_ENV), MAC, null, VF, Path.of("/s/a.sock"), Map.of());
        assertEquals(List.of(Map.of("name", "net1", "mac", "02:00:00:00:00:01", "sandbox", "/var/run/netns/x")), r10.get("interfaces"));
        var r11 = Results.add(conf("1.1.0"), NetConfTest.env(NetConfTest.ADD_ENV), MAC, null, null, Path.of("/s/a.sock"), Map.of());
        assertEquals("/s/a.sock", ((Map<?, ?>) ((List<?>) r11.get("interfaces")).get(0)).get("socketPath"));
        assertEquals(Map.of("nameservers", List.of("10.1.0.1")), r11.get("dns"), "the config's dns when IPAM gives none");
    }

    @Test
    void check_compares_the_sandbox_interface_of_prev_result_with_the_attachment() {
        var state = new Attachment("c0ffee", "net1", "n", "/var/run/netns/x", AttachMode.OVS, "vdpa0", null, null,
                "02:00:00:00:00:01", null, null, null, null, null, null, null, null, false, Map.of());
        var env = NetConfTest.env(NetConfTest.ADD_ENV);
        Results.checkAgainst(Map.of("interfaces", List.of(Map.of("name", "net1", "mac", "02:00:00:00:00:01", "sandbox", "/x"))), state, env);
        var e = assertThrows(CniError.class, () -> Results.checkAgainst(Map.of("interfaces",
                List.of(Map.of("name", "net1", "mac", "02:00:00:00:00:09", "sandbox", "/x"))), state, env));
        assertEquals("prevResult says interface net1 has MAC 02:00:00:00:00:09, the attachment has 02:00:00:00:00:01", e.getMessage());
        assertEquals("prevResult has no sandbox interface net1", assertThrows(CniError.class,
                () -> Results.checkAgainst(Map.of("interfaces", List.of(Map.of("name", "net1"))), state, env)).getMessage());
    }
}
