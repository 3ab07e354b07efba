package io.vhostpath.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * EAL runtime directories of workers that were killed (SIGKILL, OOM) and so could not remove their own:
 * {@code <root>/vhostpath-<pid>} whose process is gone. Removed at the next start.
 */
final class StaleRuntimeDirs {
    private static final Pattern NAME = Pattern.compile("vhostpath-(\\d+)");

    private StaleRuntimeDirs() {}

    /** Removes the stale directories under {@code root}; returns what was removed. */
    static List<Path> remove(Path root) {
        var removed = new ArrayList<Path>();
        if (!Files.isDirectory(root)) return removed;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                var m = NAME.matcher(dir.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    deleteTree(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException e) {
            // Best effort: a directory we cannot read or remove is one EAL will report itself.
        }
        return removed;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
