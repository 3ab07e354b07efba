package io.vhostpath.sys;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version every vhostpath command prints for {@code --version}: the build's, from the jar. */
public final class Version {
    private Version() {}

    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("/io/vhostpath/version.properties")) {
            if (in == null) return "unknown";
            var p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code --help} or {@code --version} as the first argument: prints and returns true, the caller exits 0. */
    public static boolean answered(String command, String usage, String[] args) {
        if (args.length == 0) return false;
        switch (args[0]) {
            case "--version" -> System.out.println(command + " " + get());
            case "--help", "-h" -> System.out.print(usage.endsWith("\n") ? usage : usage + "\n");
            default -> {
                return false;
            }
        }
        return true;
    }
}
