package io.vhostpath.worker;

import io.vhostpath.worker.engine.PollingAgent;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * What the JVM did while the worker polled: bytes allocated by the polling threads (HotSpot's per-thread
 * allocation counter), garbage collections, and the polling threads' own CPU time (the kernel's per-thread
 * accounting, the same figure as schedstat's: time stolen by the host is not in it), between {@link #mark()} and
 * {@link #read()}.
 */
final class RunMeter {
    private final List<PollingAgent> agents;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long allocatedAtMark;
    private long gcsAtMark;
    private long cpuAtMark;

    record Reading(long allocatedBytes, long gcs, long pollingCpuNanos) {}

    RunMeter(List<PollingAgent> agents) {
        this.agents = agents;
    }

    void mark() {
        allocatedAtMark = allocated();
        gcsAtMark = gcs();
        cpuAtMark = cpu();
    }

    Reading read() {
        return new Reading(allocated() - allocatedAtMark, gcs() - gcsAtMark, cpu() - cpuAtMark);
    }

    private long cpu() {
        long sum = 0;
        for (PollingAgent a : agents) {
            if (a.threadId() <= 0) continue;
            long ns = threads.getThreadCpuTime(a.threadId());
            if (ns > 0) sum += ns;
        }
        return sum;
    }

    private long allocated() {
        long sum = 0;
        for (PollingAgent a : agents) {
            if (a.threadId() <= 0) continue; // never started
            long b = threads.getThreadAllocatedBytes(a.threadId());
            if (b > 0) sum += b;
        }
        return sum;
    }

    private static long gcs() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionCount());
        }
        return sum;
    }
}
