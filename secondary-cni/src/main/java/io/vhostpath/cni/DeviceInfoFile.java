package io.vhostpath.cni;

import io.vhostpath.text.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The device-info file (k8snetworkplumbingwg device-info-spec 1.1.0) Multus copies into the pod's network-status:
 * read-only (0444), written whole or not at all.
 */
final class DeviceInfoFile {
    static final String SPEC_VERSION = "1.1.0";

    private DeviceInfoFile() {}

    /** type vdpa: the vhost-vdpa character device, its vDPA device and, for a VF, its PCI address. */
    static Map<String, Object> vdpa(String device, Path vhostNode, String pciAddress) {
        var vdpa = new LinkedHashMap<String, Object>();
        vdpa.put("parent-device", device);
        vdpa.put("driver", "vhost");
        vdpa.put("path", vhostNode.toString());
        if (pciAddress != null) vdpa.put("pci-address", pciAddress);
        return document("vdpa", vdpa);
    }

    /** type vhost-user: the socket the pod's DPDK application serves ({@code server}: OVS-DPDK is the client). */
    static Map<String, Object> vhostUser(Path socket) {
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

    static void write(Path file, Map<String, Object> info) {
        try {
            Files.createDirectories(file.getParent());
            StateStore.writeAtomically(file, Json.write(info) + "\n", PosixFilePermissions.fromString("r--r--r--"));
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot write device-info file " + file, e.getMessage());
        }
    }

    static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot remove device-info file " + file, e.getMessage());
        }
    }
}
