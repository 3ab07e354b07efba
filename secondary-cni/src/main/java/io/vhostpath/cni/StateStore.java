package io.vhostpath.cni;

import io.vhostpath.text.AtomicFile;
import io.vhostpath.text.Json;
import io.vhostpath.text.JsonFormatException;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The plugin's state cache: one pretty-enough JSON file per attachment ({@code <containerId>-<ifname>.json}),
 * written atomically (temporary file, fsync, rename), and one lock file per device so that concurrent ADDs for a
 * device serialise.
 */
final class StateStore {
    private static final long LOCK_WAIT_MILLIS = 10_000;
    private final Path dir;
    private final long lockWaitMillis;

    StateStore(Path dir) {
        this(dir, LOCK_WAIT_MILLIS);
    }

    StateStore(Path dir, long lockWaitMillis) {
        this.dir = dir;
        this.lockWaitMillis = lockWaitMillis;
    }

    Optional<Attachment> find(String key) {
        Path f = file(key);
        if (!Files.exists(f)) return Optional.empty();
        try {
            return Optional.of(Attachment.fromDocument(JsonReader.parseObject(Files.readString(f))));
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot read state file " + f, e.getMessage());
        } catch (JsonFormatException | ClassCastException | CniError e) {
            // A torn or hand-edited file must not make DEL impossible: the caller falls back to what it can derive.
            throw new CniError(CniError.DECODE, "state file " + f + " is corrupt", e.getMessage());
        }
    }

    List<Attachment> all() {
        var out = new ArrayList<Attachment>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString();
                try {
                    find(name.substring(0, name.length() - 5)).ifPresent(out::add);
                } catch (CniError corrupt) {
                    // skipped here; DEL or GC of that key reports it
                }
            }
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot list state directory " + dir, e.getMessage());
        }
        return out;
    }

    /** The attachment that holds {@code device}, other than {@code exceptKey}. */
    Optional<Attachment> holderOf(String device, String exceptKey) {
        return all().stream().filter(a -> device.equals(a.device()) && !a.key().equals(exceptKey)).findFirst();
    }

    void save(Attachment a) {
        try {
            Files.createDirectories(dir);
            AtomicFile.write(file(a.key()), Json.writeIndented(a.toDocument()) + "\n", PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot write state file " + file(a.key()), e.getMessage());
        }
    }

    void remove(String key) {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot remove state file " + file(key), e.getMessage());
        }
    }

    private Path file(String key) {
        return dir.resolve(key + ".json");
    }

    /**
     * Holds an exclusive lock on {@code name} (a device) until closed; waits up to 10 s for another call to finish,
     * then answers "try again later".
     */
    AutoCloseable lock(String name) {
        Path f = dir.resolve("locks").resolve(name + ".lock");
        try {
            Files.createDirectories(f.getParent());
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + lockWaitMillis * 1_000_000;
            while (true) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException heldInThisJvm) {
                    lock = null; // the JVM's own bookkeeping of the same lock: held, as by another process
                }
                if (lock != null) return ch::close; // closing the channel releases the lock
                if (System.nanoTime() > deadline) {
                    ch.close();
                    throw new CniError(CniError.TRY_AGAIN_LATER, "device " + name + " is being attached or detached by another call",
                            "lock " + f + " held for more than " + lockWaitMillis + " ms");
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot lock " + f, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniError(CniError.INTERNAL, "interrupted while waiting for " + f);
        }
    }
}
