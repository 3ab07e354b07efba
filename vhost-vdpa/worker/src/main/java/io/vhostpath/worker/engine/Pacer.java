package io.vhostpath.worker.engine;

/**
 * A generator's pace: a token bucket on {@link System#nanoTime()} holding at most {@link #depth} packets. A generator
 * held up briefly (a timer interrupt, a few microseconds of the host: a pinned thread on a shared VM loses several
 * percent of its time this way) sends what it missed in the next bursts, so the rate holds; a hold-up longer than the
 * depth lets the excess go rather than flood the device above the rate, and that shortfall shows in what it sent.
 */
final class Pacer {
    /** How long a hold-up the generator makes up for. */
    static final long CATCH_UP_NANOS = 200_000;

    private final long ratePps;
    private final long startNanos;
    private final long depth;
    /** Packets the rate allowed so far: those sent and those let go. */
    private long granted;

    /** A pace of {@code ratePps} from {@code startNanos}, making up for hold-ups of {@link #CATCH_UP_NANOS} at least one {@code burst} deep. */
    Pacer(long ratePps, long startNanos, int burst) {
        this.ratePps = ratePps;
        this.startNanos = startNanos;
        this.depth = Math.max(burst, dueBy(CATCH_UP_NANOS, ratePps));
    }

    /** How many packets to send at {@code nowNanos}, at most {@code burst}; the caller sends exactly that many. */
    int take(long nowNanos, int burst) {
        long due = dueBy(nowNanos - startNanos, ratePps) - granted;
        if (due <= 0) return 0;
        if (due > depth) {
            granted += due - depth;
            due = depth;
        }
        int n = (int) Math.min(due, burst);
        granted += n;
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
