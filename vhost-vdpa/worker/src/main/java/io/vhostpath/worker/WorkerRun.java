package io.vhostpath.worker;

import io.vhostpath.text.Json;
import io.vhostpath.worker.stats.Latency;
import io.vhostpath.worker.stats.MetricsServer;
import io.vhostpath.worker.stats.PortCounters;
import io.vhostpath.worker.stats.PortMonitor;
import io.vhostpath.worker.stats.PortSnapshot;
import io.vhostpath.worker.stats.Snapshot;
import io.vhostpath.worker.stats.SnapshotFormats;
import io.vhostpath.worker.stats.TextFormat;
import io.vhostpath.worker.engine.Mode;
import io.vhostpath.dpdk.EalStartAbandonedException;
import io.vhostpath.dpdk.RuntimeDirectories;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker run as the command line drives it: start, live figures every interval, stop at the end of the
 * duration or on SIGINT/SIGTERM, then the summary over the measured window (warm-up excluded).
 */
final class WorkerRun {
    private final WorkerConfig config;
    private final Duration warmup;
    private final Duration drain;
    private final PrintStream out;
    private final StopSignal stop;
    private volatile Snapshot latest;
    /** The summary document, once the run has been measured; written with the teardown's findings. */
    private Map<String, Object> summary;
    /** Seconds into the run of the start and the end of the measured window (the end of sending, with a drain). */
    private double windowStartSeconds;
    private double windowEndSeconds;

    WorkerRun(WorkerConfig config, Duration warmup, Duration drain, StopSignal stop, PrintStream out) {
        if (!drain.isZero() && !config.mode().generates()) {
            throw WorkerError.usage("--drain works with --mode txonly or latency, not " + config.mode().name().toLowerCase(),
                    "drop --drain: only a generator has probes in flight to wait for");
        }
        this.config = config;
        this.stop = stop;
        this.warmup = warmup;
        this.drain = drain;
        this.out = out;
        this.latest = Snapshot.empty(config.mode().name().toLowerCase());
    }

    int run(StartUp startUp) {
        // What can fail without DPDK fails before a device is opened: the output paths, the HTTP address.
        checkOutputPath("--summary-json", config.summaryJson());
        checkOutputPath("--latency-log", config.latencyLog());
        try (var http = openHttp()) {
            return run(http, startUp);
        }
    }

    private int run(MetricsServer http, StartUp startUp) {
        Worker worker;
        stop.starting();
        try {
            worker = Worker.start(config, Path.of("/proc"), startUp);
        } catch (EalStartAbandonedException e) {
            // EAL goes on starting on its own thread; remove what it made so far and let the process exit.
            RuntimeDirectories.deleteQuietly(RuntimeDirectories.ROOT.resolve(config.filePrefix()));
            if (!stop.requested()) {
                throw new WorkerError("EAL did not finish starting within " + config.startTimeout().toMillis() + " ms",
                        "is a vhost-user backend accepting but not answering? raise --start-timeout if start-up is just slow");
            }
            out.println("vhostpath-worker: stopped while EAL was starting; nothing ran");
            return 0;
        } finally {
            stop.started();
        }
        int rc = 1;
        try {
            describe(worker);
            if (http != null) {
                out.println("metrics: http://" + config.http().getHostString() + ":" + http.address().getPort()
                        + "/metrics  (/healthz, /stats)");
            }
            rc = measure(worker);
        } finally {
            String leftover = closeQuietly(worker);
            out.println(worker.closeReport() + leftover);
        }
        rc = worker.allMbufsReturned() ? rc : 3;
        if (summary != null && config.summaryJson() != null) writeSummary(worker, rc, startUp);
        if (summary != null && config.latencyLog() != null) writeLatencyLog(worker);
        return rc;
    }

    /** The summary JSON: the measured figures, then what teardown found, the exit code, and start-up's steps. */
    private void writeSummary(Worker worker, int rc, StartUp startUp) {
        var teardown = new LinkedHashMap<String, Object>();
        teardown.put("mbufs_in_use", worker.mbufsInUse());
        teardown.put("freed_from_pipeline_rings", worker.inFlight().fromPipelineRings());
        teardown.put("freed_from_port_queues", worker.inFlight().fromPortQueues());
        teardown.put("runtime_dir_removed", !Files.exists(worker.eal().runtimeDirectory()));
        summary.put("teardown", teardown);
        summary.put("exit_code", rc);
        summary.put("startup_epoch_us", startUp.epochMicros());
        write("--summary-json", config.summaryJson(), Json.write(summary) + "\n");
    }

    /**
     * The measured window's round trips, one interval histogram per port tagged with its name, in HdrHistogram's log
     * format (HistogramLogProcessor, or any HdrHistogram reader, takes it).
     */
    private void writeLatencyLog(Worker worker) {
        var text = new ByteArrayOutputStream();
        try (var stream = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            var log = new HistogramLogWriter(stream);
            log.outputComment("vhostpath-worker round trips in ns, measured window (warm-up excluded), one histogram per port");
            log.outputLogFormatVersion();
            log.outputLegend();
            for (PortMonitor m : worker.monitors()) {
                Histogram h = m.windowLatency();
                h.setTag(m.port().name());
                log.outputIntervalHistogram(windowStartSeconds, windowEndSeconds, h, 1.0);
            }
        }
        write("--latency-log", config.latencyLog(), text.toString(StandardCharsets.UTF_8));
    }

    private static void write(String option, Path file, String content) {
        try (var channel = Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new WorkerError("cannot write " + file + ": " + e, "give a writable " + option + " path");
        }
    }

    /** An output file's directory must exist, and the file must not be a symlink (it is not followed). */
    private static void checkOutputPath(String option, Path file) {
        if (file == null) return;
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new WorkerError(option + " " + file + ": directory " + dir + " does not exist or is not writable",
                    "give a path in a writable directory");
        }
        if (Files.isSymbolicLink(file) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkerError(option + " " + file + " is a " + (Files.isSymbolicLink(file) ? "symbolic link" : "directory"),
                    "give the path of a regular file (symbolic links are not followed)");
        }
    }

    /** The metrics endpoint, bound before EAL starts, or null with {@code --http off}. */
    private MetricsServer openHttp() {
        if (config.http() == null) return null;
        if (config.http().isUnresolved()) {
            throw new WorkerError("--http " + config.http().getHostString() + " does not resolve", "give an IP address or a resolvable name");
        }
        try {
            return new MetricsServer(config.http(), () -> latest);
        } catch (IOException e) {
            throw new WorkerError("cannot serve metrics on " + config.http().getAddress().getHostAddress() + ":"
                    + config.http().getPort() + ": " + e.getMessage(), "choose another --http address, or --http off");
        }
    }

    private static String closeQuietly(Worker worker) {
        try {
            worker.close();
            return "";
        } catch (RuntimeException e) {
            return "; teardown error: " + e.getMessage();
        }
    }

    private void describe(Worker worker) {
        for (String note : worker.startNotes()) out.println(note);
        for (Path stale : worker.removedStaleRuntimeDirs()) {
            out.println("removed " + stale + ", left by a worker that was killed");
        }
        out.printf(Locale.ROOT, "vhostpath-worker: mode %s, %d queue(s), burst %d, %s, %s%n",
                config.mode().name().toLowerCase(), config.queues(), config.burst(),
                worker.usesHugepages() ? "hugepages" : "no hugepages (" + config.memoryMb() + " MB)",
                config.pipeline() ? "pipeline via Agrona rings" : "run-to-completion");
        for (var m : worker.monitors()) {
            var info = m.port().info();
            out.printf(Locale.ROOT, "  port %d %-14s driver %-16s mac %s link %s%n", info.port(), info.name(), info.driver(),
                    m.port().macAddress(), m.port().link());
        }
        for (var a : worker.agents()) {
            out.printf(Locale.ROOT, "  thread %-8s cpu %s%n", a.roleName(), a.cpu() < 0 ? "any" : a.cpu());
        }
    }

    private int measure(Worker worker) {
        var meter = new RunMeter(worker.agents());
        long never = Long.MAX_VALUE;
        // Without live lines the HTTP endpoints still get a fresh sample every second.
        boolean live = !config.statsInterval().isZero();
        long interval = live ? config.statsInterval().toNanos() : HTTP_REFRESH_NANOS;
        long begin = System.nanoTime();
        long end = config.duration().isZero() ? never : begin + config.duration().toNanos();
        long warmupEnd = begin + warmup.toNanos();
        List<PortCounters> baseline = null;
        double baselineSeconds = 0;
        // The first sample closes the warm-up (or the first interval, if shorter); then one per interval.
        long next = begin + Math.min(interval, warmup.toNanos());
        while (!stopped(Math.min(next, end)) && worker.healthy()) {
            long now = System.nanoTime();
            if (now >= end) break;
            if (now < next) continue;
            latest = worker.sample();
            if (baseline == null && now >= warmupEnd) {
                baseline = totals(latest);
                baselineSeconds = latest.elapsedSeconds();
                worker.openWindow();
                meter.mark();
            }
            if (live) for (PortSnapshot p : latest.ports()) out.println(TextFormat.live(latest.elapsedSeconds(), p));
            next = baseline == null ? Math.min(now + interval, warmupEnd) : now + interval;
        }
        double sentUntil = drainAfterSending(worker);
        latest = worker.sample();
        if (baseline == null) {
            baseline = latest.ports().stream().map(p -> PortCounters.ZERO).toList();
            baselineSeconds = 0;
            meter.mark();
        }
        var reading = meter.read();
        windowStartSeconds = baselineSeconds;
        windowEndSeconds = Double.isNaN(sentUntil) ? latest.elapsedSeconds() : sentUntil;
        return summarize(worker, latest, baseline, windowEndSeconds - windowStartSeconds, reading);
    }

    /**
     * With {@code --drain}, at the end of the duration (not on a signal): generators stop, receiving goes on for the
     * drain period. Returns when sending stopped (seconds into the run), or NaN when there was no drain.
     */
    private double drainAfterSending(Worker worker) {
        if (drain.isZero() || stop.requested() || !worker.healthy()) return Double.NaN;
        worker.stopGenerating();
        double sentUntil = worker.elapsedSeconds();
        long drainEnd = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < drainEnd) {
            if (stopped(drainEnd)) break;
        }
        return sentUntil;
    }

    private static final long HTTP_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Waits until {@code untilNanos} (at most 100 ms); true once SIGINT/SIGTERM arrived. */
    private boolean stopped(long untilNanos) {
        return stop.await(Math.min(untilNanos - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100)));
    }

    private static List<PortCounters> totals(Snapshot s) {
        return s.ports().stream().map(PortSnapshot::total).toList();
    }

    private int summarize(Worker worker, Snapshot end, List<PortCounters> start, double seconds, RunMeter.Reading jvm) {
        long packets = 0;
        var ports = new ArrayList<Map<String, Object>>();
        out.printf(Locale.ROOT, "summary: %.1f s measured (warm-up %s excluded), mode %s%n", seconds,
                warmup.toMillis() + " ms", end.mode());
        for (int i = 0; i < end.ports().size(); i++) {
            PortSnapshot p = end.ports().get(i);
            PortCounters t = p.total();
            PortCounters b = start.get(i);
            long rx = t.rxPackets() - b.rxPackets();
            long tx = t.txPackets() - b.txPackets();
            packets += Math.max(rx, tx);
            double rxMpps = rx / seconds / 1e6;
            double txMpps = tx / seconds / 1e6;
            // A generator's own count of its window's probes that did not return is exact; a receiver of someone
            // else's probes has only the sequence gaps it saw.
            long lost = config.mode() == Mode.LATENCY ? t.windowLost() : t.lost() - b.lost();
            out.printf(Locale.ROOT, "  %-14s rx %d (%.3f Mpps) tx %d (%.3f Mpps) dropped %d missed %d lost %d reordered %d foreign %d%n",
                    p.port(), rx, rxMpps, tx, txMpps, t.dropped() - b.dropped(), t.rxMissed() - b.rxMissed(),
                    lost, t.reordered() - b.reordered(), t.foreign() - b.foreign());
            Latency l = Latency.of(worker.monitors().get(i).windowLatency());
            if (l.count() > 0) {
                out.printf(Locale.ROOT, "  %-14s rtt p50 %s p90 %s p99 %s p99.9 %s max %s (%d probes, measured window)%n", "",
                        TextFormat.micros(l.p50()), TextFormat.micros(l.p90()), TextFormat.micros(l.p99()),
                        TextFormat.micros(l.p999()), TextFormat.micros(l.max()), l.count());
            }
            var m = new LinkedHashMap<String, Object>();
            m.put("port", p.port());
            m.put("rx_packets", rx);
            m.put("tx_packets", tx);
            m.put("rx_mpps", rxMpps);
            m.put("tx_mpps", txMpps);
            m.put("dropped", t.dropped() - b.dropped());
            m.put("rx_missed", t.rxMissed() - b.rxMissed());
            m.put("alloc_failures", t.allocFailures() - b.allocFailures());
            if (config.mode() == Mode.LATENCY) m.put("probes_sent", t.windowSent());
            m.put("lost", lost);
            m.put("reordered", t.reordered() - b.reordered());
            m.put("latency_ns", SnapshotFormats.latencyMap(l));
            ports.add(m);
        }
        double perPacket = packets == 0 ? 0 : (double) jvm.allocatedBytes() / packets;
        double cpuPerPacket = packets == 0 ? 0 : (double) jvm.pollingCpuNanos() / packets;
        out.printf(Locale.ROOT, "  polling threads allocated %d B (%.4f B/packet); GCs in the window: %d; their CPU time %.3f s"
                + " (%.2f ns/packet)%n", jvm.allocatedBytes(), perPacket, jvm.gcs(), jvm.pollingCpuNanos() / 1e9, cpuPerPacket);
        boolean failed = worker.pollingFailure() != null;
        summary = new LinkedHashMap<>();
        summary.put("mode", end.mode());
        summary.put("queues", config.queues());
        summary.put("burst", config.burst());
        summary.put("frame_size", config.frameSize());
        summary.put("hugepages", worker.usesHugepages());
        summary.put("measured_seconds", seconds);
        summary.put("drain_seconds", drain.toMillis() / 1e3);
        summary.put("ports", ports);
        summary.put("allocated_bytes", jvm.allocatedBytes());
        summary.put("bytes_per_packet", perPacket);
        summary.put("gcs", jvm.gcs());
        summary.put("polling_cpu_ns", jvm.pollingCpuNanos());
        summary.put("cpu_ns_per_packet", cpuPerPacket);
        summary.put("polling_failed", failed);
        return failed ? 3 : 0;
    }
}
