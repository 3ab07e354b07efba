package io.vhostpath.perf;

import io.vhostpath.sys.CpuAffinity;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How long one cache line takes to go from one CPU to another and back: two threads pinned to the two CPUs pass a
 * counter back and forth. A pipeline pays this for every line its threads share (ring slots, the mbufs the polling
 * thread wrote and the stage reads), so it is the machine's floor under the pipeline's handoff cost, whatever the
 * language: on a VM whose two vCPUs sit on different core complexes it is several hundred nanoseconds.
 */
final class CacheLineRoundTrip {
    private static final int WARM_UP = 100_000;
    private static final long POISON = Long.MIN_VALUE;

    private CacheLineRoundTrip() {}

    /** The mean round trip in ns over {@code trips} exchanges between {@code cpuA} and {@code cpuB}. */
    static double measure(int cpuA, int cpuB, int trips) throws InterruptedException {
        var line = new AtomicLong();
        var failure = new Throwable[1];
        long[] elapsed = new long[1];
        Thread a = side(cpuA, line, 1, trips, elapsed, failure);
        Thread b = side(cpuB, line, 0, trips, null, failure);
        a.join();
        b.join();
        if (failure[0] != null) throw new IllegalStateException("cannot pin a thread: " + failure[0].getMessage(), failure[0]);
        return (double) elapsed[0] / trips;
    }

    /**
     * One side: pinned to {@code cpu}, it moves the counter from {@code 2i + 1 - turn} to the next value, {@code
     * WARM_UP + trips} times, timing the last {@code trips} when {@code elapsed} is given. A side that cannot pin
     * itself poisons the counter so that the other stops too.
     */
    private static Thread side(int cpu, AtomicLong line, int turn, int trips, long[] elapsed, Throwable[] failure) {
        return Thread.ofPlatform().name("round-trip-" + cpu).start(() -> {
            try {
                CpuAffinity.pin(cpu);
            } catch (RuntimeException e) {
                failure[0] = e;
                line.set(POISON);
                return;
            }
            long start = 0;
            for (long i = 0; i < WARM_UP + trips; i++) {
                if (i == WARM_UP) start = System.nanoTime();
                long mine = 2 * i + 1 - turn;
                for (long v; (v = line.getAcquire()) != mine; ) {
                    if (v == POISON) return;
                    Thread.onSpinWait();
                }
                line.setRelease(mine + 1);
            }
            if (elapsed != null) elapsed[0] = System.nanoTime() - start;
        });
    }
}
