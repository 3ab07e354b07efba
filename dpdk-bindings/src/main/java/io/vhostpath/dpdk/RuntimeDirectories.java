package io.vhostpath.dpdk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
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
     * The right to use file prefix {@code prefix}: an exclusive lock on {@code <root>/<prefix>.lock}, held while
     * the process runs and released by the kernel when it dies, however it dies. With {@code --in-memory} EAL takes
     * no lock of its own, so without this two processes could share a runtime directory and the first to exit
     * would remove it under the other.
     */
    public static final class Claim implements AutoCloseable {
        private final Path lockFile;
        private final FileChannel channel;

        private Claim(Path lockFile, FileChannel channel) {
            this.lockFile = lockFile;
            this.channel = channel;
        }

        @Override
        public void close() throws IOException {
            try {
                Files.deleteIfExists(lockFile);
            } finally {
                channel.close();
            }
        }
    }

    /** Claims {@code prefix}; empty when another live process holds it. */
    public static Optional<Claim> claim(Path root, String prefix) throws IOException {
        Files.createDirectories(root);
        Path lockFile = root.resolve(prefix + ".lock");
        var channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                channel.close();
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return Optional.of(new Claim(lockFile, channel));
    }

    /**
     * Removes the directories under {@code root} whose name matches {@code owner} (group 1: a pid) and that no
     * live process claims: what a killed process could not clean up. A directory with a lock file is stale when
     * its lock can be taken (which holds across PID namespaces); one without is judged by its pid. Best effort;
     * returns what was removed.
     */
    public static List<Path> removeStale(Path root, Pattern owner) {
        var removed = new ArrayList<Path>();
        if (!Files.isDirectory(root)) return removed;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                var m = owner.matcher(dir.getFileName().toString());
                if (!m.matches()) continue;
                Path lockFile = root.resolve(dir.getFileName() + ".lock");
                if (Files.exists(lockFile)) {
                    Optional<Claim> stale = claim(root, dir.getFileName().toString());
                    if (stale.isEmpty()) continue;
                    try (Claim c = stale.get()) {
                        delete(dir);
                    }
                    removed.add(dir);
                } else if (ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
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
