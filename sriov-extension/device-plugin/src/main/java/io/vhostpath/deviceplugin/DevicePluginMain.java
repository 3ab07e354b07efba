package io.vhostpath.deviceplugin;

import io.vhostpath.node.DesiredState;
import io.vhostpath.node.DesiredStateException;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.vdpa.DeviceInfo;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * {@code vhostpath-device-plugin}: serves kubelet the vhost-vdpa devices of every {@code vdpaType: vhost} resource
 * in a desired-state file (the node agent's). Runs until killed; exit 2 on bad usage or an invalid file at start.
 */
public final class DevicePluginMain {
    static final String USAGE = """
            usage: vhostpath-device-plugin --desired-state FILE [--resource-prefix PREFIX (vhostpath.io)]
                     [--plugin-dir DIR (/var/lib/kubelet/device-plugins)] [--device-info-dir DIR (%s)]
                     [--cdi-dir DIR (none: no CDI spec)] [--pre-start-check] [--poll-ms N (200)]
                     [--sys DIR (/sys)] [--dev DIR (/dev)]
            """.formatted(DeviceInfo.DEVICE_PLUGIN_DIR);

    private DevicePluginMain() {}

    public static void main(String[] args) throws Exception {
        if (io.vhostpath.sys.Version.answered("vhostpath-device-plugin", USAGE, args)) return;
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream log) throws Exception {
        Path desiredFile = null;
        String prefix = "vhostpath.io";
        Path pluginDir = Path.of("/var/lib/kubelet/device-plugins");
        Path infoDir = DeviceInfo.DEVICE_PLUGIN_DIR;
        Path cdiDir = null;
        Path sys = Path.of("/sys");
        Path dev = Path.of("/dev");
        boolean preStart = false;
        long pollMillis = 200;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--desired-state" -> desiredFile = Path.of(value(args, ++i, a));
                    case "--resource-prefix" -> prefix = value(args, ++i, a);
                    case "--plugin-dir" -> pluginDir = Path.of(value(args, ++i, a));
                    case "--device-info-dir" -> infoDir = Path.of(value(args, ++i, a));
                    case "--cdi-dir" -> cdiDir = Path.of(value(args, ++i, a));
                    case "--sys" -> sys = Path.of(value(args, ++i, a));
                    case "--dev" -> dev = Path.of(value(args, ++i, a));
                    case "--pre-start-check" -> preStart = true;
                    case "--poll-ms" -> pollMillis = Long.parseLong(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            if (desiredFile == null) throw new IllegalArgumentException("--desired-state FILE is required");
            if (!prefix.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) throw new IllegalArgumentException("--resource-prefix '" + prefix + "' is no DNS subdomain");
            if (pollMillis < 10 || pollMillis > 1000) throw new IllegalArgumentException("--poll-ms: 10 to 1000 (health must reach kubelet within 1 s)");
        } catch (IllegalArgumentException e) {
            log.println("vhostpath-device-plugin: " + e.getMessage());
            log.print(USAGE);
            return 2;
        }
        var source = new DesiredFile(desiredFile, log);
        try {
            source.get();
        } catch (DesiredStateException | UncheckedIOException e) {
            log.println("vhostpath-device-plugin: " + desiredFile + ": " + e.getMessage());
            return 2;
        }
        try (var daemon = new DevicePluginDaemon(prefix, source, new NodeSysfs(sys), new VdpaSysfs(sys, dev),
                new PluginSettings(pluginDir, infoDir, cdiDir, preStart), log)) {
            while (true) {
                try {
                    daemon.poll();
                } catch (IOException | RuntimeException e) {
                    log.println("vhostpath-device-plugin: poll failed, retrying: " + e);
                }
                Thread.sleep(pollMillis);
            }
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    /** The desired state, re-read when the file changes; an invalid edit keeps the last good one (and says so). */
    static final class DesiredFile implements java.util.function.Supplier<DesiredState> {
        private final Path file;
        private final PrintStream log;
        private FileTime seen;
        private DesiredState last;

        DesiredFile(Path file, PrintStream log) {
            this.file = file;
            this.log = log;
        }

        @Override
        public DesiredState get() {
            try {
                FileTime t = Files.getLastModifiedTime(file);
                if (last != null && t.equals(seen)) return last;
                seen = t;
                DesiredState d = DesiredState.decode(Files.readString(file));
                last = d;
                return d;
            } catch (IOException e) {
                if (last == null) throw new UncheckedIOException(e);
                log.println("vhostpath-device-plugin: cannot read " + file + " (" + e.getMessage() + "): serving the last good state");
                return last;
            } catch (DesiredStateException e) {
                if (last == null) throw e;
                log.println("vhostpath-device-plugin: " + file + " is invalid (" + e.getMessage() + "): serving the last good state");
                return last;
            }
        }
    }
}
