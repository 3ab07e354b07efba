package io.vhostpath.worker.engine;

/**
 * A generator's pace: a token bucket on {@link System#nanoTime()}, one burst deep. A generator held up (descheduled,
 * or slower than the rate) lets the packets it missed go rather than catch up in a flood above the rate: it offers
 * the rate or less, never more, and the shortfall shows in what it sent.
 */
final class Pacer {
    private final long ratePps;
    private final long startNanos;
    /** Packets the rate allowed so far: those sent and those let go. */
    private long granted;

    Pacer(long ratePps, long startNanos) {
        this.ratePps = ratePps;
        this.startNanos = startNanos;
    }

    /** How many packets to send at {@code nowNanos}, at most {@code burst}; the caller sends exactly that many. */
    int take(long nowNanos, int burst) {
        long due = dueBy(nowNanos - startNanos, ratePps) - granted;
        if (due <= 0) return 0;
        int n = (int) Math.min(due, burst);
        granted += due;
        return n;
    }

    /**
     * Packets due {@code elapsedNanos} into a run at {@code ratePps}. Whole seconds and the rest apart: the
     * plain product overflows a long after 15 minutes at 10 Mpps.
     */
    static long dueBy(long elapsedNanos, long ratePps) {
        long seconds = elapsedNanos / 1_000_000_000L;
        long rest = elapsedNanos % 1_000_000_000L;
        return seconds * ratePps + rest * ratePps / 1_000_000_000L;
    }
}
