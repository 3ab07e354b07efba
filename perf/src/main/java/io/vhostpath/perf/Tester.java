package io.vhostpath.perf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tester: a vhostpath worker in latency mode on one CPU, sending numbered, timestamped probes through the device
 * and receiving them back on the same port. A trial is one worker run: a warm-up at the trial's rate (excluded), the
 * measured window, then a drain so that every probe still in flight is back or counted lost.
 */
final class Tester {
    private final WorkerRuns workers;
    private final int cpu;
    private final double warmupSeconds;
    private final double trialSeconds;
    private final double drainSeconds;
    private final List<String> portOptions;
    private int trials;

    /** @param portOptions worker options for the device's needs ({@code --dst-mac}, {@code --descriptors}), or none */
    Tester(WorkerRuns workers, int cpu, double warmupSeconds, double trialSeconds, double drainSeconds, List<String> portOptions) {
        this.workers = workers;
        this.cpu = cpu;
        this.warmupSeconds = warmupSeconds;
        this.trialSeconds = trialSeconds;
        this.drainSeconds = drainSeconds;
        this.portOptions = List.copyOf(portOptions);
    }

    /** One trial at {@code ratePps} (0: as fast as the generator goes) with {@code frameSize}-byte frames. */
    Trial trial(Dut dut, long ratePps, int frameSize) throws IOException, InterruptedException {
        String name = "trial-" + (++trials);
        var args = new ArrayList<>(List.of("--mode", "latency", "--rate", Long.toString(ratePps), "--size",
                Integer.toString(frameSize), "--cpus", Integer.toString(cpu), "--warmup", millis(warmupSeconds),
                "--duration", millis(warmupSeconds + trialSeconds), "--drain", millis(drainSeconds),
                "--latency-log", workers.work().resolve(name + ".hlog").toString()));
        args.addAll(portOptions);
        for (String port : dut.testerPorts()) args.addAll(List.of("--port", port));
        Map<String, Object> summary = workers.run(name, "vp-tester", args, (long) (warmupSeconds + trialSeconds + drainSeconds) + 90);
        Trial t = Trial.of(ratePps, frameSize, summary);
        var port = (Map<?, ?>) ((List<?>) summary.get("ports")).getFirst();
        if (t.sent() == 0 || ((Number) port.get("tx_packets")).longValue() == 0) {
            throw new IOException("the tester's port took none of the " + t.sent() + " probes of " + name + " (log "
                    + workers.work().resolve(name + ".log") + "): is its link up, and does the device take packets?");
        }
        return t;
    }

    /** The name of the latest trial, whose files ({@code .json}, {@code .log}, {@code .hlog}) are in the work directory. */
    String latestTrial() {
        return "trial-" + trials;
    }

    private static String millis(double seconds) {
        return Math.round(seconds * 1000) + "ms";
    }
}
