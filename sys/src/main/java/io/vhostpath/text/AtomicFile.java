package io.vhostpath.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Files that readers see whole or not at all: state caches, status files, device-info files. */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes {@code text} to a temporary sibling, syncs it, sets {@code mode}, and renames it over {@code file}. */
    public static void write(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.setPosixFilePermissions(tmp, mode);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
