package io.vhostpath.perf;

import java.util.List;
import java.util.Locale;

/**
 * The ratios of adjacent rounds (Java's round r over testpmd's round r), which share whatever the host was doing at
 * the time, summarised by their median and a spread: the range of the ratios without the lowest and the highest
 * when there are five or more (one stolen round cannot decide), the whole range otherwise. A difference is resolved
 * only when that whole spread lies on one side of 1.00.
 *
 * @param what    what the ratio compares, e.g. "rate java/testpmd"
 * @param subject the contender a ratio above 1.00 favours, named in the verdict
 */
record PairedRatios(String what, String subject, List<Double> ratios, double median, double low, double high) {
    static PairedRatios of(String what, String subject, List<Double> ratios) {
        if (ratios.isEmpty()) throw new IllegalArgumentException(what + ": no rounds");
        var sorted = ratios.stream().sorted().toList();
        int trim = sorted.size() >= 5 ? 1 : 0;
        return new PairedRatios(what, subject, List.copyOf(ratios), SideBySide.median(ratios), sorted.get(trim), sorted.get(sorted.size() - 1 - trim));
    }

    boolean resolved() {
        return low > 1.0 || high < 1.0;
    }

    /** e.g. "rate java/testpmd 1.031 (0.984-1.072): no difference resolved". */
    String verdict() {
        String figures = String.format(Locale.ROOT, "%s %.3f (%.3f-%.3f)", what, median, low, high);
        if (!resolved()) return figures + ": no difference resolved";
        return figures + String.format(Locale.ROOT, ": %s %s by %.1f%%", subject, median >= 1 ? "ahead" : "behind", Math.abs(median - 1) * 100);
    }
}
