package io.vhostpath.cni;

import io.vhostpath.vdpa.DeviceInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The attachment's device-info file ({@link DeviceInfo}), its I/O failures as CNI errors. */
final class DeviceInfoFile {
    private DeviceInfoFile() {}

    static void write(Path file, Map<String, Object> info) {
        try {
            DeviceInfo.write(file, info);
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
