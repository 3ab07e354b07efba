package io.vhostpath.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node samples hold together: every desired state in them decodes, and each DaemonSet's container finds the
 * files its arguments name on a volume it mounts.
 */
class NodeSamplesTest {
    private static final Path SAMPLES = Path.of("../../samples/node");

    private static List<JsonNode> manifests() throws Exception {
        var yaml = new ObjectMapper(new YAMLFactory());
        var out = new ArrayList<JsonNode>();
        try (var files = Files.newDirectoryStream(SAMPLES, "*.yaml")) {
            for (Path f : files) {
                try (var parser = yaml.getFactory().createParser(f.toFile())) {
                    yaml.readValues(parser, JsonNode.class).forEachRemaining(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void every_desired_state_decodes() throws Exception {
        int seen = 0;
        for (JsonNode m : manifests()) {
            if (!m.path("kind").asText().equals("ConfigMap")) continue;
            for (var e : m.path("data").properties()) {
                DesiredState.decode(e.getValue().asText());
                seen++;
            }
        }
        DesiredState.decode(Files.readString(SAMPLES.resolve("desired-state.json")));
        assertTrue(seen >= 1, "the DaemonSet samples carry a desired state");
    }

    @Test
    void each_daemonset_mounts_what_its_arguments_name() throws Exception {
        int daemonSets = 0;
        for (JsonNode m : manifests()) {
            if (!m.path("kind").asText().equals("DaemonSet")) continue;
            daemonSets++;
            JsonNode c = m.path("spec").path("template").path("spec").path("containers").path(0);
            var mounts = new ArrayList<String>();
            c.path("volumeMounts").forEach(v -> mounts.add(v.path("mountPath").asText()));
            JsonNode args = c.path("args");
            for (int i = 0; i + 1 < args.size(); i++) {
                String flag = args.get(i).asText();
                if (!List.of("--desired-state", "--state-dir", "--device-plugin-config", "--cdi-dir").contains(flag)) continue;
                String path = args.get(i + 1).asText();
                assertTrue(mounts.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/")),
                        m.path("metadata").path("name").asText() + ": " + flag + " " + path + " is on no volume in " + mounts);
            }
            assertFalse(mounts.isEmpty());
        }
        assertEquals(2, daemonSets, "the node agent and the device plugin");
    }
}
