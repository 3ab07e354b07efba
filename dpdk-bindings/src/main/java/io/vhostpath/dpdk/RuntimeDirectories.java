package io.vhostpath.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * EAL runtime directories ({@code /var/run/dpdk/<file-prefix>} as root): EAL creates one per process and does
 * not remove it, so whoever starts a DPDK process removes it after.
 */
public final class RuntimeDirectories {
    /** Where EAL keeps runtime directories when run as root. */
    public static final Path ROOT = Path.of("/var/run/dpdk");

    private RuntimeDirectories() {}

    /** Removes {@code dir} and everything below it, if it exists. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** {@link #delete}, for clean-up paths where a failure changes nothing the caller could act on. */
    public static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (IOException e) {
            // Left for the stale sweep of the next start.
        }
    }

    /**
     * Removes the directories under {@code root} whose name matches {@code owner} (group 1: a pid) and whose
     * process is gone: what a killed process could not clean up. Best effort; returns what was removed.
     */
    public static List<Path> removeStale(Path root, Pattern owner) {
        var removed = new ArrayList<Path>();
        if (!Files.isDirectory(root)) return removed;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                var m = owner.matcher(dir.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    delete(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException e) {
            // A directory we cannot read or remove is one EAL will complain about itself.
        }
        return removed;
    }
}
