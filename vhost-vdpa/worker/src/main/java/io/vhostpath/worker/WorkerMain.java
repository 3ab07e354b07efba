package io.vhostpath.worker;

import io.vhostpath.dpdk.Dpdk;
import io.vhostpath.dpdk.DpdkUnavailableException;
import io.vhostpath.net.MacAddress;
import io.vhostpath.worker.engine.Mode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vhostpath-worker}: the command line. Parsing and exit codes here; the run itself is {@link WorkerRun}. */
@Command(name = "vhostpath-worker", mixinStandardHelpOptions = true, version = "vhostpath-worker 0.1.0",
        sortOptions = false, usageHelpWidth = 110,
        description = {"DPDK polling worker for vhost-vdpa (and vhost-user) ports: forwards, reflects, generates and",
                "measures traffic, with live statistics and a Prometheus endpoint.", ""},
        footer = {"", "Ports:",
                "  vhost-vdpa:/dev/vhost-vdpa-N   virtio_user on a kernel vDPA device bound to vhost_vdpa",
                "  vhost-user:PATH                virtio_user, client of a vhost-user socket",
                "  vhost-server:PATH              net_vhost, serving a vhost-user socket",
                "  vhost-user-server:PATH         virtio_user serving the socket for a client backend (OVS dpdkvhostuserclient)",
                "  null | ring | af_packet:IFACE  DPDK's net_null, net_ring (loopback), net_af_packet",
                "  net_xxx,ARGS                   any DPDK virtual device, as given",
                "", "Exit codes: 0 done (also when stopped by SIGINT/SIGTERM), 1 run-time error (cause and fix printed),",
                "  2 bad usage (a wrong option value or port spec), 3 mbufs leaked or a polling thread failed.",
                "", "Example: vhostpath-worker --port vhost-vdpa:/dev/vhost-vdpa-0 --mode macswap --duration 0"})
public final class WorkerMain implements Callable<Integer> {
    @Option(names = {"-p", "--port"}, required = true, paramLabel = "SPEC", description = "port to poll (repeatable; see Ports below)")
    List<String> ports = new ArrayList<>();

    @Option(names = {"-m", "--mode"}, defaultValue = "io", paramLabel = "MODE",
            description = "io | macswap | txonly | rxonly | latency (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = {"-q", "--queues"}, defaultValue = "1", description = "queue pairs per port, one polling thread each (default: ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--cpus", split = ",", paramLabel = "CPU", description = "CPUs to pin polling threads to, in order (default: not pinned)")
    List<Integer> cpus = new ArrayList<>();

    @Option(names = {"-b", "--burst"}, defaultValue = "32", description = "packets per burst (default: ${DEFAULT-VALUE})")
    int burst;

    @Option(names = "--descriptors", defaultValue = "1024", description = "ring size per queue (default: ${DEFAULT-VALUE})")
    int descriptors;

    @Option(names = "--mbufs", defaultValue = "16383", description = "mbufs in the pool (default: ${DEFAULT-VALUE})")
    int mbufs;

    @Option(names = {"-s", "--size"}, defaultValue = "64", description = "generated frame size in bytes, without FCS (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = {"-r", "--rate"}, defaultValue = "0", paramLabel = "PPS", description = "generator packets/s per queue, 0 = as fast as possible")
    long rate;

    @Option(names = "--tx-first", defaultValue = "0", paramLabel = "BURSTS", description = "io/macswap: send this many bursts of probes first, to seed a loop")
    int txFirst;

    @Option(names = "--tx-retries", defaultValue = "64", description = "TX retries before unsent packets are dropped (default: ${DEFAULT-VALUE})")
    int txRetries;

    @Option(names = "--idle", defaultValue = "busy", description = "busy | yield | backoff: what a polling thread does when idle (default: ${DEFAULT-VALUE})")
    String idle;

    @Option(names = "--pipeline", description = "hand packets to an application stage thread through lock-free rings (io, macswap)")
    boolean pipeline;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", description = "run time, e.g. 30s, 2m; 0 = until SIGINT/SIGTERM (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--warmup", defaultValue = "1s", description = "excluded from the summary's averages (default: ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--drain", defaultValue = "0", paramLabel = "DURATION",
            description = "txonly/latency: after --duration, stop sending and keep receiving this long, so that every probe"
                    + " in flight is back or counted lost (default: ${DEFAULT-VALUE})")
    String drain;

    @Option(names = "--stats-interval", defaultValue = "1s", description = "live statistics period, 0 = none (default: ${DEFAULT-VALUE})")
    String statsInterval;

    @Option(names = "--hugepages", defaultValue = "auto", description = "auto | on | off (default: ${DEFAULT-VALUE})")
    String hugepages;

    @Option(names = "--memory", defaultValue = "1024", paramLabel = "MB", description = "EAL memory without hugepages (default: ${DEFAULT-VALUE})")
    int memory;

    @Option(names = "--file-prefix", paramLabel = "NAME", description = "EAL runtime directory name (default: vhostpath-<pid>)")
    String filePrefix;

    @Option(names = "--eal", split = " ", paramLabel = "ARG", description = "extra EAL arguments, space separated")
    List<String> eal = new ArrayList<>();

    @Option(names = "--http", defaultValue = "127.0.0.1:9464", paramLabel = "HOST:PORT",
            description = {"metrics endpoint (/metrics, /healthz, /stats); 'off' for none (default: ${DEFAULT-VALUE});",
                    "in a pod give its IP (e.g. --http $(POD_IP):9464) for Prometheus and probes"})
    String http;

    @Option(names = "--src-mac", paramLabel = "MAC", description = "source MAC of generated packets (default: the port's)")
    String srcMac;

    @Option(names = "--dst-mac", defaultValue = "02:00:00:00:00:02", paramLabel = "MAC", description = "destination MAC of generated packets (default: ${DEFAULT-VALUE})")
    String dstMac;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "also write the final summary as JSON")
    Path summaryJson;

    @Option(names = "--latency-log", paramLabel = "FILE",
            description = "latency mode: also write the measured window's round trips per port as an HdrHistogram log")
    Path latencyLog;

    @Option(names = "--start-timeout", defaultValue = "60s", paramLabel = "DURATION",
            description = "longest wait for EAL and the ports to come up (default: ${DEFAULT-VALUE})")
    String startTimeout;

    private final StopSignal stop;

    WorkerMain(StopSignal stop) {
        this.stop = stop;
    }

    @Override
    public Integer call() {
        Dpdk.ensureLoaded();
        var config = new WorkerConfig(ports, enumValue(Mode.class, "--mode", mode), queues, cpus, burst, descriptors, mbufs,
                size, rate, txFirst, txRetries, enumValue(WorkerConfig.IdleMode.class, "--idle", idle), pipeline,
                duration("--duration", duration), duration("--stats-interval", statsInterval),
                enumValue(WorkerConfig.Hugepages.class, "--hugepages", hugepages), memory,
                filePrefix != null ? filePrefix : "vhostpath-" + ProcessHandle.current().pid(), eal, address(http),
                srcMac == null ? null : mac("--src-mac", srcMac), mac("--dst-mac", dstMac), summaryJson,
                latencyLog, duration("--start-timeout", startTimeout));
        return new WorkerRun(config, duration("--warmup", warmup), duration("--drain", drain), stop, System.out).run();
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
        return execute(StopSignal.install(), args);
    }

    static int execute(StopSignal stop, String... args) {
        var cli = new CommandLine(new WorkerMain(stop));
        // --eal=--file-prefix=x: an EAL option may share a name with one of ours.
        cli.setAllowOptionsAsOptionParameters(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof WorkerError w) {
                System.err.println("vhostpath-worker: error: " + w.getMessage());
                System.err.println("vhostpath-worker: fix: " + w.fix());
                return w.exitCode();
            }
            if (e instanceof DpdkUnavailableException u) {
                System.err.println("vhostpath-worker: error: " + u.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
