package io.vhostpath.node;

import io.vhostpath.devlink.Devlink;
import io.vhostpath.text.AtomicFile;
import io.vhostpath.text.Json;
import io.vhostpath.vdpa.VdpaProvisioner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code vhostpath-node-agent}: reconciles this node to a desired-state file, once ({@code --once}) or as a daemon
 * (every {@code --interval}, and within a second of the file changing). Writes the status file after every pass,
 * and the upstream device plugin's config when asked. Exit codes with {@code --once}: 0 converged, 1 problems
 * (listed on stderr and in the status), 2 bad usage or an invalid desired state.
 */
public final class NodeAgentMain {
    static final String USAGE = """
            usage: vhostpath-node-agent --desired-state FILE [--once] [--interval SECONDS (30)]
                   vhostpath-node-agent --node-state NODE [--state-dir DIR] [--interval SECONDS]   (from the API server)
                     [--state-dir DIR (/var/lib/vhostpath/node-agent)] [--status FILE (STATE-DIR/status.json)]
                     [--device-plugin-config FILE] [--hold-before-step N]
              --hold-before-step N  stop before the N-th change and wait to be killed (crash drills)
            """;

    private NodeAgentMain() {}

    public static void main(String[] args) {
        if (io.vhostpath.sys.Version.answered("vhostpath-node-agent", USAGE, args)) return;
        System.exit(run(args, System.out, System.err));
    }

    record Options(Path desired, boolean once, Duration interval, Path stateDir, Path status, Path pluginConfig, int holdBefore) {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("vhostpath-node-agent: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        NodeAgent.StepHook hook = (n, step) -> {
            out.println("step " + n + ": " + step);
            out.flush();
            if (n == o.holdBefore()) hold(out, n);
        };
        try {
            DesiredState.decode(Files.readString(o.desired())); // a bad file is refused before the node is looked at
        } catch (DesiredStateException e) {
            err.println("vhostpath-node-agent: " + o.desired() + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("vhostpath-node-agent: cannot read the desired state: " + e.getMessage());
            return 2;
        }
        try (var devlink = Devlink.open(); var vdpa = VdpaProvisioner.system()) {
            var agent = new NodeAgent(NodeSysfs.system(), devlink, vdpa, OwnedState.load(o.stateDir().resolve("owned.json")), hook);
            FileTime seen = null;
            Instant next = Instant.EPOCH;
            while (true) {
                FileTime mtime = Files.getLastModifiedTime(o.desired());
                if (o.once() || !mtime.equals(seen) || Instant.now().isAfter(next)) {
                    seen = mtime;
                    next = Instant.now().plus(o.interval());
                    if (o.once()) return pass(o, agent, out, err);
                    try {
                        pass(o, agent, out, err);
                    } catch (DesiredStateException e) {
                        err.println("vhostpath-node-agent: " + o.desired() + " is invalid, the node is left as it is: " + e.getMessage());
                    }
                }
                Thread.sleep(1000);
            }
        } catch (DesiredStateException e) {
            err.println("vhostpath-node-agent: " + o.desired() + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("vhostpath-node-agent: " + e.getMessage());
            return 2;
        } catch (NodeException e) {
            err.println("vhostpath-node-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private static int pass(Options o, NodeAgent agent, PrintStream out, PrintStream err) throws IOException {
        DesiredState desired = DesiredState.decode(Files.readString(o.desired()));
        NodeAgent.Pass pass = agent.reconcile(desired);
        write(o.status(), NodeStatus.document(desired, pass, agent.owned(), Instant.now()));
        if (o.pluginConfig() != null) write(o.pluginConfig(), UpstreamPluginConfig.document(desired));
        for (Problem p : pass.problems()) err.println("problem: " + p.subject() + (p.errno() == 0 ? "" : " (errno " + p.errno() + ")") + ": " + p.message());
        out.println(pass.converged() ? "converged: " + pass.steps().size() + " change(s)" : "not converged: " + pass.problems().size() + " problem(s)");
        out.flush();
        return pass.converged() ? 0 : 1;
    }

    private static void write(Path file, Map<String, Object> doc) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.write(file, Json.writeIndented(doc) + "\n", PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void hold(PrintStream out, int n) {
        out.println("holding before step " + n);
        out.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException ignored) {
                // held until killed
            }
        }
    }

    static Options parse(String[] args) {
        Path desired = null;
        Path stateDir = Path.of("/var/lib/vhostpath/node-agent");
        Path status = null;
        Path pluginConfig = null;
        boolean once = false;
        Duration interval = Duration.ofSeconds(30);
        int hold = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--once" -> once = true;
                case "--desired-state" -> desired = Path.of(value(args, ++i, a));
                case "--state-dir" -> stateDir = Path.of(value(args, ++i, a));
                case "--status" -> status = Path.of(value(args, ++i, a));
                case "--device-plugin-config" -> pluginConfig = Path.of(value(args, ++i, a));
                case "--interval" -> interval = Duration.ofSeconds(number(value(args, ++i, a), a, 1));
                case "--hold-before-step" -> hold = number(value(args, ++i, a), a, 1);
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (desired == null) throw new IllegalArgumentException("--desired-state FILE is required");
        return new Options(desired, once, interval, stateDir, status == null ? stateDir.resolve("status.json") : status, pluginConfig, hold);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static int number(String v, String option, int min) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + v + "': a whole number >= " + min);
    }
}
