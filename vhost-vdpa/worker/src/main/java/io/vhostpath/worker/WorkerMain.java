package io.vhostpath.worker;

import io.vhostpath.dpdk.Dpdk;
import io.vhostpath.dpdk.DpdkUnavailableException;
import io.vhostpath.net.MacAddress;
import io.vhostpath.worker.engine.Mode;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code vhostpath-worker}: the command line. Parsing and exit codes here; the run itself is {@link WorkerRun}. */
public final class WorkerMain {
    private static Options.Option value(String name, char shortName, String label, String defaultValue, String description) {
        return new Options.Option(name, shortName, label, defaultValue, null, description);
    }

    static final Options OPTIONS = new Options("vhostpath-worker", "vhostpath-worker 0.1.0",
            List.of("DPDK polling worker for vhost-vdpa (and vhost-user) ports: forwards, reflects, generates and",
                    "measures traffic, with live statistics and a Prometheus endpoint."),
            List.of(
                    new Options.Option("port", 'p', "SPEC", null, "", "port to poll (repeatable; see Ports below)"),
                    value("mode", 'm', "MODE", "io", "io | macswap | txonly | rxonly | latency"),
                    value("queues", 'q', "N", "1", "queue pairs per port, one polling thread each"),
                    new Options.Option("cpus", (char) 0, "CPU[,CPU...]", null, ",", "CPUs to pin polling threads to, in order (default: not pinned)"),
                    value("burst", 'b', "N", "32", "packets per burst"),
                    value("descriptors", (char) 0, "N", "1024", "ring size per queue"),
                    value("mbufs", (char) 0, "N", "16383", "mbufs in the pool"),
                    value("size", 's', "BYTES", "64", "generated frame size in bytes, without FCS"),
                    value("rate", 'r', "PPS", "0", "generator packets/s per queue, 0 = as fast as possible"),
                    value("tx-first", (char) 0, "BURSTS", "0", "io/macswap: send this many bursts of probes first, to seed a loop"),
                    value("tx-retries", (char) 0, "N", "64", "TX retries before unsent packets are dropped"),
                    value("idle", (char) 0, "STRATEGY", "busy", "busy | yield | backoff: what a polling thread does when idle"),
                    new Options.Option("pipeline", (char) 0, null, null, null,
                            "hand packets to an application stage thread through lock-free rings (io, macswap)"),
                    value("duration", 'd', "DURATION", "10s", "run time, e.g. 30s, 2m; 0 = until SIGINT/SIGTERM"),
                    value("warmup", (char) 0, "DURATION", "1s", "excluded from the summary's averages"),
                    value("drain", (char) 0, "DURATION", "0", "txonly/latency: after --duration, stop sending and keep receiving"
                            + " this long, so that every probe in flight is back or counted lost"),
                    value("stats-interval", (char) 0, "DURATION", "1s", "live statistics period, 0 = none"),
                    value("hugepages", (char) 0, "MODE", "auto", "auto | on | off"),
                    value("memory", (char) 0, "MB", "1024", "EAL memory without hugepages"),
                    value("file-prefix", (char) 0, "NAME", null, "EAL runtime directory name (default: vhostpath-<pid>)"),
                    new Options.Option("eal", (char) 0, "ARG", null, " ", "extra EAL arguments, space separated"),
                    value("http", (char) 0, "HOST:PORT", "127.0.0.1:9464", "metrics endpoint (/metrics, /healthz, /stats); 'off' for"
                            + " none; in a pod give its IP (e.g. --http $(POD_IP):9464) for Prometheus and probes"),
                    value("src-mac", (char) 0, "MAC", null, "source MAC of generated packets (default: the port's)"),
                    value("dst-mac", (char) 0, "MAC", "02:00:00:00:00:02", "destination MAC of generated packets"),
                    value("summary-json", (char) 0, "FILE", null, "also write the final summary as JSON"),
                    value("latency-log", (char) 0, "FILE", null,
                            "latency mode: also write the measured window's round trips per port as an HdrHistogram log"),
                    value("start-timeout", (char) 0, "DURATION", "60s", "longest wait for EAL and the ports to come up")),
            List.of("port"),
            List.of("", "Ports:",
                    "  vhost-vdpa:/dev/vhost-vdpa-N   virtio_user on a kernel vDPA device bound to vhost_vdpa",
                    "  vhost-user:PATH                virtio_user, client of a vhost-user socket",
                    "  vhost-server:PATH              net_vhost, serving a vhost-user socket",
                    "  vhost-user-server:PATH         virtio_user serving the socket for a client backend (OVS dpdkvhostuserclient)",
                    "  null | ring | af_packet:IFACE  DPDK's net_null, net_ring (loopback), net_af_packet",
                    "  net_xxx,ARGS                   any DPDK virtual device, as given",
                    "", "Exit codes: 0 done (also when stopped by SIGINT/SIGTERM), 1 run-time error (cause and fix printed),",
                    "  2 bad usage (a wrong option value or port spec), 3 mbufs leaked or a polling thread failed.",
                    "", "Example: vhostpath-worker --port vhost-vdpa:/dev/vhost-vdpa-0 --mode macswap --duration 0"));

    private WorkerMain() {}

    /** Parses {@code args} into a run and runs it; usage errors end before DPDK is loaded. */
    static int run(StopSignal stop, Options.Parsed o, StartUp startUp) {
        Dpdk.ensureLoaded();
        startUp.reach(StartUp.DPDK_LOADED);
        String filePrefix = o.one("file-prefix");
        String srcMac = o.one("src-mac");
        var config = new WorkerConfig(o.all("port"), enumValue(Mode.class, "--mode", o.one("mode")), o.integer("queues"),
                o.integers("cpus"), o.integer("burst"), o.integer("descriptors"), o.integer("mbufs"), o.integer("size"),
                o.number("rate"), o.integer("tx-first"), o.integer("tx-retries"),
                enumValue(WorkerConfig.IdleMode.class, "--idle", o.one("idle")), o.has("pipeline"),
                duration("--duration", o.one("duration")), duration("--stats-interval", o.one("stats-interval")),
                enumValue(WorkerConfig.Hugepages.class, "--hugepages", o.one("hugepages")), o.integer("memory"),
                filePrefix != null ? filePrefix : "vhostpath-" + ProcessHandle.current().pid(), o.all("eal"),
                address(o.one("http")), srcMac == null ? null : mac("--src-mac", srcMac), mac("--dst-mac", o.one("dst-mac")),
                path(o.one("summary-json")), path(o.one("latency-log")), duration("--start-timeout", o.one("start-timeout")));
        return new WorkerRun(config, duration("--warmup", o.one("warmup")), duration("--drain", o.one("drain")), stop, System.out)
                .run(startUp);
    }

    private static Path path(String text) {
        return text == null ? null : Path.of(text);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            var names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase()).toList();
            throw WorkerError.usage(option + " " + value + " is not one of " + names, "use one of " + String.join(", ", names));
        }
    }

    /** The longest duration any option takes: far beyond a run, far below where nanosecond arithmetic overflows. */
    static final Duration MAX_DURATION = Duration.ofDays(3650);

    static Duration duration(String option, String text) {
        var m = java.util.regex.Pattern.compile("(\\d{1,18})(ms|s|m|h)?").matcher(text.trim());
        if (!m.matches()) throw WorkerError.usage(option + " '" + text + "' is not a duration", "write e.g. 500ms, 10s, 2m or 0");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d;
        try {
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } catch (ArithmeticException e) {
            d = MAX_DURATION.plusDays(1);
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw WorkerError.usage(option + " '" + text + "' is too long", "use at most " + MAX_DURATION.toHours() + "h (0 runs until stopped)");
        }
        return d;
    }

    private static MacAddress mac(String option, String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw WorkerError.usage(option + " " + e.getMessage(), "write it as 02:00:00:00:00:01");
        }
    }

    private static InetSocketAddress address(String text) {
        if (text.equals("off")) return null;
        int colon = text.lastIndexOf(':');
        try {
            return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw WorkerError.usage("--http '" + text + "' is not HOST:PORT", "write e.g. 0.0.0.0:9464, 127.0.0.1:0, or off");
        }
    }

    public static int execute(String... args) {
        var startUp = new StartUp();
        startUp.reach(StartUp.MAIN);
        return execute(StopSignal.install(), startUp, args);
    }

    private static int execute(StopSignal stop, StartUp startUp, String... args) {
        Options.Parsed parsed;
        try {
            parsed = OPTIONS.parse(args);
        } catch (Options.UsageError e) {
            System.err.println(e.getMessage());
            System.err.print(OPTIONS.usage());
            return 2;
        }
        if (parsed.help()) {
            System.out.print(OPTIONS.usage());
            return 0;
        }
        if (parsed.version()) {
            System.out.println(OPTIONS.version());
            return 0;
        }
        try {
            return run(stop, parsed, startUp);
        } catch (Options.UsageError e) {
            System.err.println(e.getMessage());
            System.err.print(OPTIONS.usage());
            return 2;
        } catch (WorkerError w) {
            System.err.println("vhostpath-worker: error: " + w.getMessage());
            System.err.println("vhostpath-worker: fix: " + w.fix());
            return w.exitCode();
        } catch (DpdkUnavailableException u) {
            System.err.println("vhostpath-worker: error: " + u.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
