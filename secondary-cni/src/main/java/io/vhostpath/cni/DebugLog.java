package io.vhostpath.cni;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** The operator's debug log ({@code logFile} in the config): off by default; a log that cannot be written is skipped. */
final class DebugLog {
    static final DebugLog OFF = new DebugLog(null, "");
    private final Path file;
    private final String prefix;

    private DebugLog(Path file, String prefix) {
        this.file = file;
        this.prefix = prefix;
    }

    static DebugLog to(Path file, CniEnv env) {
        if (file == null) return OFF;
        return new DebugLog(file, env.command() + " " + (env.containerId() == null ? "-" : env.containerId()) + " "
                + (env.ifname() == null ? "-" : env.ifname()) + ": ");
    }

    void line(String text) {
        if (file == null) return;
        try {
            Files.writeString(file, Instant.now() + " " + prefix + text + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a help, never a reason for the call to fail
        }
    }

    void trace(Throwable t) {
        if (file == null) return;
        var sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        line(sw.toString());
    }
}
