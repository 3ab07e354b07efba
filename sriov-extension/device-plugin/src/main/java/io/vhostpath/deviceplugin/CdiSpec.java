package io.vhostpath.deviceplugin;

import io.vhostpath.text.AtomicFile;
import io.vhostpath.text.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Container Device Interface spec per resource, for runtimes that inject devices from CDI (containerd, CRI-O):
 * kind {@code <prefix>/<resource>}, one device per healthy device, whose edit is its {@code /dev/vhost-vdpa-N}.
 * Written to {@code <dir>/<prefix>-<resource>.json} whenever the healthy set changes.
 */
public final class CdiSpec {
    static final String VERSION = "0.6.0";

    private CdiSpec() {}

    /** A CDI device name: letters, digits, '_', '.', ':' and '-'; PCI addresses and vDPA names qualify as they are. */
    static String deviceName(PluginDevice d) {
        return d.id().replaceAll("[^A-Za-z0-9_.:-]", "_");
    }

    public static Path file(Path dir, String kind) {
        return dir.resolve(kind.replace('/', '-') + ".json");
    }

    public static Map<String, Object> document(String kind, List<DeviceHealth> healthy) {
        var devices = new ArrayList<Map<String, Object>>();
        for (DeviceHealth h : healthy) {
            var node = new LinkedHashMap<String, Object>();
            node.put("path", h.node().path().toString());
            node.put("type", "c");
            node.put("major", h.node().major());
            node.put("minor", h.node().minor());
            node.put("permissions", "rw");
            devices.add(Map.of("name", deviceName(h.device()), "containerEdits", Map.of("deviceNodes", List.of(node))));
        }
        var doc = new LinkedHashMap<String, Object>();
        doc.put("cdiVersion", VERSION);
        doc.put("kind", kind);
        doc.put("devices", devices);
        return doc;
    }

    public static void write(Path dir, String kind, List<DeviceHealth> healthy) throws IOException {
        Files.createDirectories(dir);
        AtomicFile.write(file(dir, kind), Json.writeIndented(document(kind, healthy)) + "\n", PosixFilePermissions.fromString("rw-r--r--"));
    }
}
