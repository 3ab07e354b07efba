package io.vhostpath.perf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * RFC 2544's throughput test: the highest offered rate the device forwards with a loss ratio no higher than the
 * acceptable one, found by binary search. The first trial runs the generator flat out, to learn the highest rate it
 * can offer at all: a device that loses nothing there is reported as at least that fast, and limited by the
 * generator, never as its own figure. A trial in which the generator fell short of the asked rate (a host that stalls
 * the tester) tested the device at the rate it did generate: a pass counts at that rate, never at the one asked, and
 * the asked rate narrows the search from above, since the tester could not offer it.
 */
final class ThroughputSearch {
    /** Runs one trial at a rate (packets/s; 0 = flat out). */
    interface Trials {
        Trial run(long ratePps) throws Exception;
    }

    /**
     * @param zeroLossPps      what the generator delivered in the highest trial that passed (0 when none did): the
     *                         rate actually sent, which may sit up to the generator tolerance below the rate asked
     * @param generatorLimited the device lost nothing at the highest rate the generator could offer
     * @param best             the trial that passed at {@code zeroLossPps}, or null
     */
    record Outcome(long zeroLossPps, boolean generatorLimited, Trial best, List<Trial> trials) {}

    private final double acceptableLoss;
    private final double resolution;
    private final int maxTrials;

    /**
     * @param acceptableLoss the loss ratio a trial may have and pass (0: none)
     * @param resolution     stop when the bracket is narrower than this share of its top
     * @param maxTrials      stop after this many trials
     */
    ThroughputSearch(double acceptableLoss, double resolution, int maxTrials) {
        if (acceptableLoss < 0 || acceptableLoss >= 1) throw new IllegalArgumentException("loss ratio " + acceptableLoss + " must be in [0, 1)");
        if (resolution <= 0 || resolution >= 1) throw new IllegalArgumentException("resolution " + resolution + " must be in (0, 1)");
        if (maxTrials < 2) throw new IllegalArgumentException("at least 2 trials, not " + maxTrials);
        this.acceptableLoss = acceptableLoss;
        this.resolution = resolution;
        this.maxTrials = maxTrials;
    }

    Outcome search(Trials trials, Consumer<String> progress) throws Exception {
        var done = new ArrayList<Trial>();
        Trial flatOut = trials.run(0);
        done.add(flatOut);
        progress.accept(String.format("trial 1 (flat out): %s", flatOut.describe()));
        if (flatOut.lost() == flatOut.sent()) {
            throw new IOException("not one of the " + flatOut.sent() + " probes of the flat-out trial came back: the device"
                    + " takes frames but returns none (does it loop or reflect them, and accept their destination MAC?)");
        }
        if (flatOut.passes(acceptableLoss)) return new Outcome((long) flatOut.generatedPps(), true, flatOut, done);
        long low = 0;
        long high = (long) flatOut.generatedPps();
        Trial best = null;
        while (done.size() < maxTrials && high - low > resolution * high) {
            long rate = (low + high) / 2;
            if (rate == 0) break;
            Trial t = trials.run(rate);
            done.add(t);
            // The bracket is in rates asked; what a pass is credited with is the rate generated.
            boolean pass = t.passes(acceptableLoss);
            if (pass && (best == null || t.generatedPps() > best.generatedPps())) best = t;
            if (pass && !t.generatorLimited()) {
                low = rate;
            } else {
                // A short pass: the device took what was generated, and the tester could not offer the rate asked.
                if (pass) low = Math.max(low, (long) t.generatedPps());
                high = rate;
            }
            progress.accept(String.format("trial %d: %s: %s -> search [%.3f, %.3f] Mpps", done.size(), t.describe(),
                    pass ? t.generatorLimited() ? "pass at the rate generated (the tester fell short of the rate asked)" : "pass" : "loss",
                    low / 1e6, high / 1e6));
        }
        return new Outcome(best == null ? 0 : (long) best.generatedPps(), false, best, done);
    }
}
