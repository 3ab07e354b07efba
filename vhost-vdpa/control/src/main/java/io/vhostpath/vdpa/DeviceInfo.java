package io.vhostpath.vdpa;

import io.vhostpath.text.AtomicFile;
import io.vhostpath.text.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Device-info documents (k8snetworkplumbingwg device-info-spec 1.1.0), which Multus copies into a pod's
 * network-status: the device plugin writes one per allocated device, the CNI plugin one per attachment. Files are
 * read-only (0444) and written whole or not at all.
 */
public final class DeviceInfo {
    public static final String SPEC_VERSION = "1.1.0";
    /** Where device plugins put theirs: {@code <resource with '/' as '-'>-<device id>-device.json}. */
    public static final Path DEVICE_PLUGIN_DIR = Path.of("/var/run/k8s.cni.cncf.io/devinfo/dp");

    private DeviceInfo() {}

    /**
     * type vdpa: the vhost-vdpa character device, its vDPA device and, for a VF, its PCI address; {@code driver} is
     * the spec's {@code vhost} or {@code virtio}, not the kernel driver's name.
     */
    public static Map<String, Object> vdpa(String device, String driver, Path vhostNode, String pciAddress) {
        var vdpa = new LinkedHashMap<String, Object>();
        vdpa.put("parent-device", device);
        vdpa.put("driver", driver);
        if (vhostNode != null) vdpa.put("path", vhostNode.toString());
        if (pciAddress != null) vdpa.put("pci-address", pciAddress);
        return document("vdpa", vdpa);
    }

    /** type vhost-user: the socket the pod's DPDK application serves ({@code server}: OVS-DPDK is the client). */
    public static Map<String, Object> vhostUser(Path socket) {
        var vu = new LinkedHashMap<String, Object>();
        vu.put("mode", "server");
        vu.put("path", socket.toString());
        return document("vhost-user", vu);
    }

    private static Map<String, Object> document(String type, Map<String, Object> body) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", type);
        m.put("version", SPEC_VERSION);
        m.put(type, body);
        return m;
    }

    /** The device plugin's file for {@code deviceId} of {@code resource} ({@code vendor.io/name}) under {@code dir}. */
    public static Path devicePluginFile(Path dir, String resource, String deviceId) {
        return dir.resolve(resource.replace('/', '-') + "-" + deviceId + "-device.json");
    }

    public static void write(Path file, Map<String, Object> info) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, Json.write(info) + "\n", PosixFilePermissions.fromString("r--r--r--"));
    }
}
