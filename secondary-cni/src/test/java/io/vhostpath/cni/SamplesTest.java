package io.vhostpath.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every manifest in samples/cni parses, and every network it defines passes the plugin's own config decoding. */
class SamplesTest {
    private static final Path SAMPLES = Path.of("../samples/cni");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String RESOURCE = "k8s.v1.cni.cncf.io/resourceName";

    private static List<Path> files(String glob) throws Exception {
        try (Stream<Path> s = Files.list(SAMPLES)) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted().toList();
        }
    }

    @Test
    void every_network_attachment_definition_decodes_as_an_add_would_receive_it() throws Exception {
        var nads = nads();
        assertTrue(nads.size() >= 2, "samples define networks: " + nads.keySet());
        for (var e : nads.entrySet()) {
            JsonNode nad = e.getValue();
            String config = nad.at("/spec/config").asText();
            var env = CniEnv.from(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "sample", "CNI_NETNS", "/proc/self/ns/net",
                    "CNI_IFNAME", "net1", "CNI_PATH", "/opt/cni/bin"));
            NetConf conf = NetConf.decode(config, env);
            assertEquals(e.getKey(), conf.name(), "the config's name is the NAD's");
            assertEquals("vhostpath-cni", conf.type());
            // A vDPA network needs a device from the device plugin; vhost-user needs none and must not ask for one.
            boolean vdpa = conf.mode() != AttachMode.VHOST_USER;
            assertEquals(vdpa, nad.at("/metadata/annotations").has(RESOURCE), e.getKey() + ": " + RESOURCE);
            Map<String, Object> capabilities = io.vhostpath.text.JsonFields.root(conf.raw()).rawObject("capabilities");
            assertEquals(vdpa, Boolean.TRUE.equals(capabilities.get("deviceID")), e.getKey() + ": the deviceID capability");
        }
    }

    @Test
    void the_pod_asks_for_the_resource_its_network_needs() throws Exception {
        var nads = nads();
        JsonNode pod = YAML.readTree(SAMPLES.resolve("pod-worker.yaml").toFile());
        JsonNode networks = new ObjectMapper().readTree(pod.at("/metadata/annotations/k8s.v1.cni.cncf.io~1networks").asText());
        for (JsonNode n : networks) {
            JsonNode nad = nads.get(n.get("name").asText());
            assertTrue(nad != null, "the pod's network " + n + " is a sample NAD");
            String resource = nad.at("/metadata/annotations").get(RESOURCE).asText();
            JsonNode resources = pod.at("/spec/containers/0/resources");
            assertEquals("1", resources.at("/limits").get(resource).asText(), "the pod requests " + resource);
            String env = "PCIDEVICE_" + resource.toUpperCase().replace('.', '_').replace('/', '_') + "_INFO";
            assertTrue(pod.at("/spec/containers/0/args/0").asText().contains(env), "the worker reads " + env);
        }
    }

    @Test
    void the_node_conflist_delegates_device_ids_and_device_info() throws Exception {
        for (Path f : files("*.conflist")) {
            Map<String, Object> conflist = JsonReader.parseObject(Files.readString(f));
            var plugins = (List<?>) conflist.get("plugins");
            assertFalse(plugins.isEmpty(), f.toString());
            var caps = (Map<?, ?>) ((Map<?, ?>) plugins.get(0)).get("capabilities");
            assertEquals(Boolean.TRUE, caps.get("deviceID"), f.toString());
            assertEquals(Boolean.TRUE, caps.get("CNIDeviceInfoFile"), f.toString());
        }
    }

    private static Map<String, JsonNode> nads() throws Exception {
        var out = new HashMap<String, JsonNode>();
        for (Path f : files("*.yaml")) {
            for (JsonNode doc : YAML.readValues(YAML.createParser(f.toFile()), JsonNode.class).readAll()) {
                if ("NetworkAttachmentDefinition".equals(doc.path("kind").asText())) out.put(doc.at("/metadata/name").asText(), doc);
            }
        }
        return out;
    }
}
