package io.vhostpath.sys;


import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;

/**
 * The calling thread's CPU affinity ({@code sched_getaffinity(2)} / {@code sched_setaffinity(2)} with pid 0).
 * Threads inherit their creator's mask, so pinning is done by the thread that polls, after it starts, never by
 * a thread that will later create JVM threads.
 */
public final class CpuAffinity {
    /** glibc's {@code cpu_set_t}: 1024 bits. */
    private static final long CPU_SET_BYTES = 128;

    private CpuAffinity() {}

    /** The CPUs the calling thread may run on. */
    public static BitSet current() {
        try (var arena = Arena.ofConfined()) {
            var mask = arena.allocate(CPU_SET_BYTES);
            Libc.schedGetaffinity(mask);
            return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** Restricts the calling thread to {@code cpus}. */
    public static void set(BitSet cpus) {
        if (cpus.isEmpty() || cpus.length() > CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpus=" + cpus + " must name at least one CPU below " + CPU_SET_BYTES * 8);
        }
        try (var arena = Arena.ofConfined()) {
            var mask = arena.allocate(CPU_SET_BYTES);
            byte[] bits = cpus.toByteArray();
            MemorySegment.copy(bits, 0, mask, ValueLayout.JAVA_BYTE, 0, bits.length);
            Libc.schedSetaffinity(mask, cpus.toString());
        }
    }

    /** Pins the calling thread to one CPU. */
    public static void pin(int cpu) {
        var set = new BitSet();
        set.set(cpu);
        CpuAffinity.set(set);
    }
}
