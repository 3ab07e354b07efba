package io.vhostpath.worker;

import io.vhostpath.text.Json;
import io.vhostpath.worker.stats.Latency;
import io.vhostpath.worker.stats.MetricsServer;
import io.vhostpath.worker.stats.PortCounters;
import io.vhostpath.worker.stats.PortSnapshot;
import io.vhostpath.worker.stats.Snapshot;
import io.vhostpath.worker.stats.SnapshotFormats;
import io.vhostpath.worker.stats.TextFormat;
import io.vhostpath.dpdk.EalStartAbandonedException;
import io.vhostpath.dpdk.RuntimeDirectories;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
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
    private final PrintStream out;
    private final StopSignal stop;
    private volatile Snapshot latest;
    /** The summary document, once the run has been measured; written with the teardown's findings. */
    private Map<String, Object> summary;

    WorkerRun(WorkerConfig config, Duration warmup, StopSignal stop, PrintStream out) {
        this.config = config;
        this.stop = stop;
        this.warmup = warmup;
        this.out = out;
        this.latest = Snapshot.empty(config.mode().name().toLowerCase());
    }

    int run() {
        Worker worker;
        stop.starting();
        try {
            worker = Worker.start(config, Path.of("/proc"));
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
            rc = serve(worker);
        } finally {
            String leftover = closeQuietly(worker);
            out.println(worker.closeReport() + leftover);
        }
        rc = worker.allMbufsReturned() ? rc : 3;
        if (summary != null && config.summaryJson() != null) writeSummary(worker, rc);
        return rc;
    }

    /** The summary JSON: the measured figures, then what teardown found, and the exit code. */
    private void writeSummary(Worker worker, int rc) {
        var teardown = new LinkedHashMap<String, Object>();
        teardown.put("mbufs_in_use", worker.mbufsInUse());
        teardown.put("freed_from_pipeline_rings", worker.inFlight().fromPipelineRings());
        teardown.put("freed_from_port_queues", worker.inFlight().fromPortQueues());
        teardown.put("runtime_dir_removed", !Files.exists(worker.eal().runtimeDirectory()));
        summary.put("teardown", teardown);
        summary.put("exit_code", rc);
        try {
            Files.writeString(config.summaryJson(), Json.write(summary) + "\n");
        } catch (IOException e) {
            throw new WorkerError("cannot write " + config.summaryJson() + ": " + e.getMessage(), "give a writable --summary-json path");
        }
    }

    private int serve(Worker worker) {
        describe(worker);
        if (config.http() == null) return measure(worker);
        try (var http = new MetricsServer(config.http(), () -> latest)) {
            out.println("metrics: http://" + http.address().getHostString() + ":" + http.address().getPort()
                    + "/metrics  (/healthz, /stats)");
            return measure(worker);
        } catch (IOException e) {
            throw new WorkerError("cannot serve metrics on " + config.http() + ": " + e.getMessage(),
                    "choose another --http address, or --http off");
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
        long interval = config.statsInterval().isZero() ? never : config.statsInterval().toNanos();
        long begin = System.nanoTime();
        long end = config.duration().isZero() ? never : begin + config.duration().toNanos();
        long warmupEnd = begin + warmup.toNanos();
        List<PortCounters> baseline = null;
        double baselineSeconds = 0;
        // The first sample closes the warm-up (or the first interval, if shorter); then one per interval.
        long next = interval == never ? warmupEnd : begin + Math.min(interval, warmup.toNanos());
        while (!stopped(Math.min(next, end)) && worker.healthy()) {
            long now = System.nanoTime();
            if (now >= end) break;
            if (now < next) continue;
            latest = worker.sample();
            if (baseline == null && now >= warmupEnd) {
                baseline = totals(latest);
                baselineSeconds = latest.elapsedSeconds();
                meter.mark();
            }
            if (interval != never) {
                for (PortSnapshot p : latest.ports()) out.println(TextFormat.live(latest.elapsedSeconds(), p));
                next = baseline == null ? Math.min(now + interval, warmupEnd) : now + interval;
            } else {
                next = baseline == null ? warmupEnd : never;
            }
        }
        latest = worker.sample();
        if (baseline == null) {
            baseline = latest.ports().stream().map(p -> PortCounters.ZERO).toList();
            baselineSeconds = 0;
            meter.mark();
        }
        var reading = meter.read();
        return summarize(worker, latest, baseline, latest.elapsedSeconds() - baselineSeconds, reading);
    }

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
            out.printf(Locale.ROOT, "  %-14s rx %d (%.3f Mpps) tx %d (%.3f Mpps) dropped %d missed %d lost %d reordered %d foreign %d%n",
                    p.port(), rx, rxMpps, tx, txMpps, t.dropped() - b.dropped(), t.rxMissed() - b.rxMissed(),
                    t.lost() - b.lost(), t.reordered() - b.reordered(), t.foreign() - b.foreign());
            Latency l = p.totalLatency();
            if (l.count() > 0) {
                out.printf(Locale.ROOT, "  %-14s rtt p50 %s p90 %s p99 %s p99.9 %s max %s (%d probes, whole run)%n", "",
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
            m.put("lost", t.lost() - b.lost());
            m.put("reordered", t.reordered() - b.reordered());
            m.put("latency_ns", SnapshotFormats.latencyMap(l));
            ports.add(m);
        }
        double perPacket = packets == 0 ? 0 : (double) jvm.allocatedBytes() / packets;
        out.printf(Locale.ROOT, "  polling threads allocated %d B (%.4f B/packet); GCs in the window: %d%n",
                jvm.allocatedBytes(), perPacket, jvm.gcs());
        boolean failed = worker.pollingFailure() != null;
        summary = new LinkedHashMap<>();
        summary.put("mode", end.mode());
        summary.put("queues", config.queues());
        summary.put("burst", config.burst());
        summary.put("frame_size", config.frameSize());
        summary.put("hugepages", worker.usesHugepages());
        summary.put("measured_seconds", seconds);
        summary.put("ports", ports);
        summary.put("allocated_bytes", jvm.allocatedBytes());
        summary.put("bytes_per_packet", perPacket);
        summary.put("gcs", jvm.gcs());
        summary.put("polling_failed", failed);
        return failed ? 3 : 0;
    }
}
