package io.vhostpath.worker.port;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads {@code /proc/devices}: which driver owns a character major number. */
final class CharacterDevices {
    private CharacterDevices() {}

    /** The driver name registered for character {@code major}, or null when none is (or the file is unreadable). */
    static String nameOf(Path procRoot, int major) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procRoot.resolve("devices"));
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            if (line.startsWith("Block devices:")) break;
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[0].equals(Integer.toString(major))) return f[1];
        }
        return null;
    }
}
