package io.vhostpath.kubevirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static io.vhostpath.kubevirt.Fixtures.DOMAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** samples/kubevirt hold together: the binding registered is the one the VMI uses and the sidecar serves by default. */
class KubevirtSamplesTest {
    private static final Path SAMPLES = Path.of("../samples/kubevirt");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(String file) throws Exception {
        return YAML.readTree(SAMPLES.resolve(file).toFile());
    }

    @Test
    void the_sample_vmi_gets_its_vdpa_interface_from_the_registered_binding() throws Exception {
        JsonNode kubevirt = read("kubevirt-binding.yaml");
        JsonNode binding = kubevirt.at("/spec/configuration/network/binding/vdpa");
        assertEquals("device-info", binding.get("downwardAPI").asText());
        assertTrue(binding.get("sidecarImage").asText().startsWith("localhost/vhostpath/kubevirt-hook:"));
        assertTrue(binding.get("migration") == null, "no migration method: the VMI is not live-migratable");

        JsonNode vmi = read("vmi.yaml");
        JsonNode nad = read("nad.yaml");
        assertEquals(nad.at("/metadata/namespace").asText() + "/" + nad.at("/metadata/name").asText(),
                vmi.at("/spec/networks/1/multus/networkName").asText(), "the VMI's network is the sample NAD");
        assertTrue(nad.at("/metadata/annotations").get("k8s.v1.cni.cncf.io/resourceName").asText().startsWith("vhostpath.io/"));

        String info = """
                {"interfaces": [{"network": "fast", "deviceInfo": {"type": "vdpa", "version": "1.1.0", "vdpa": {"path": "/dev/vhost-vdpa-4"}}}]}""";
        String out = DomainMutation.apply(DOMAIN, new ObjectMapper().writeValueAsString(vmi), info, Map.of(), "vdpa");
        assertTrue(out.contains("<interface type='vdpa'>\n      <source dev='/dev/vhost-vdpa-4'/>\n      <mac address='02:00:00:0a:00:01'/>"), out);
        assertTrue(out.contains("<alias name='ua-fast'/>"), out);
    }
}
