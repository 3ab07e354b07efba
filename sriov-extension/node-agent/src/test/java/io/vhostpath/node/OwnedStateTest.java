package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnedStateTest {
    @TempDir Path tmp;

    @Test
    void what_is_recorded_survives_a_restart_and_the_file_is_private() throws Exception {
        Path file = tmp.resolve("agent/owned.json");
        var s = OwnedState.load(file);
        s.recordPf("pci/0000:65:00.0", new OwnedState.PfRecord("ens1f0", 0, EswitchMode.LEGACY));
        s.recordDevice("vdpa:0000:65:00.2", "pci/0000:65:00.0");
        s.recordPf("pci/0000:65:00.0", new OwnedState.PfRecord("ens1f0", 4, EswitchMode.SWITCHDEV));
        var again = OwnedState.load(file);
        assertEquals(Map.of("pci/0000:65:00.0", new OwnedState.PfRecord("ens1f0", 0, EswitchMode.LEGACY)), again.pfs(),
                "the first record wins: it is how the PF was found");
        assertEquals(Map.of("vdpa:0000:65:00.2", "pci/0000:65:00.0"), again.vdpaDevices());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        again.forgetDevice("vdpa:0000:65:00.2");
        again.forgetPf("pci/0000:65:00.0");
        assertEquals(Map.of("pfs", Map.of(), "vdpaDevices", Map.of()), JsonReader.parseObject(Files.readString(file)));
    }

    @Test
    void a_damaged_record_is_an_error_naming_the_file_not_an_empty_state() throws Exception {
        Path file = tmp.resolve("owned.json");
        for (String text : List.of("{\"pfs\": {\"pci/x\": {\"netdev\": \"a\"}}}", "{\"pfs\": [", "{\"vdpaDevices\": {\"v\": 3}}")) {
            Files.writeString(file, text);
            var e = assertThrows(NodeException.class, () -> OwnedState.load(file));
            assertTrue(e.getMessage().startsWith("the agent's ownership record " + file + " is damaged"), e.getMessage());
        }
    }

    @Test
    void the_upstream_plugin_config_has_one_resource_per_policy_with_vdpa_type() {
        var d = DesiredState.decode("""
                {"node": "n", "policies": [
                 {"name": "a", "resourceName": "vdpa_vhost", "numVfs": 4, "eSwitchMode": "switchdev", "vdpaType": "vhost",
                  "nicSelector": {"vendor": "15b3", "pfNames": ["ens1f0#0-1"], "rootDevices": ["0000:65:00.0"]}},
                 {"name": "b", "resourceName": "vdpa_virtio", "numVfs": 4, "eSwitchMode": "switchdev", "vdpaType": "virtio",
                  "nicSelector": {"pfNames": ["ens1f0#2-3"]}}]}""");
        assertEquals(Map.of("resourceList", List.of(
                Map.of("resourceName", "vdpa_vhost", "selectors", Map.of("vendors", List.of("15b3"), "pfNames", List.of("ens1f0#0-1"),
                        "rootDevices", List.of("0000:65:00.0"), "IsRdma", false, "NeedVhostNet", false, "vdpaType", "vhost")),
                Map.of("resourceName", "vdpa_virtio", "selectors", Map.of("pfNames", List.of("ens1f0#2-3"), "IsRdma", false,
                        "NeedVhostNet", false, "vdpaType", "virtio")))),
                JsonReader.parseObject(io.vhostpath.text.Json.write(UpstreamPluginConfig.document(d))));
    }
}
