package io.vhostpath.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calling thread's CPU affinity, through libc {@code sched_getaffinity(2)} / {@code sched_setaffinity(2)}
 * with pid 0. Threads inherit their creator's mask, so pinning is done by the thread that polls, after it
 * starts, never by a thread that will later create JVM threads.
 */
public final class CpuAffinity {
    /** glibc's {@code cpu_set_t}: 1024 bits. */
    private static final long CPU_SET_BYTES = 128;
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle GET = libc("sched_getaffinity");
    private static final MethodHandle SET = libc("sched_setaffinity");

    private CpuAffinity() {}

    private static MethodHandle libc(String name) {
        var linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow(name),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO);
    }

    /** The CPUs the calling thread may run on. */
    public static BitSet current() {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var mask = arena.allocate(CPU_SET_BYTES);
            int rc = (int) GET.invokeExact(state, 0, CPU_SET_BYTES, mask);
            if (rc != 0) throw failure("sched_getaffinity", state, null);
            return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
        } catch (Throwable t) {
            throw Dpdk.rethrow(t);
        }
    }

    /** Restricts the calling thread to {@code cpus}. */
    public static void set(BitSet cpus) {
        if (cpus.isEmpty() || cpus.length() > CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpus=" + cpus + " must name at least one CPU below " + CPU_SET_BYTES * 8);
        }
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var mask = arena.allocate(CPU_SET_BYTES);
            byte[] bits = cpus.toByteArray();
            MemorySegment.copy(bits, 0, mask, ValueLayout.JAVA_BYTE, 0, bits.length);
            int rc = (int) SET.invokeExact(state, 0, CPU_SET_BYTES, mask);
            if (rc != 0) throw failure("sched_setaffinity", state, cpus);
        } catch (Throwable t) {
            throw Dpdk.rethrow(t);
        }
    }

    /** Pins the calling thread to one CPU. */
    public static void pin(int cpu) {
        var set = new BitSet();
        set.set(cpu);
        CpuAffinity.set(set);
    }

    private static IllegalStateException failure(String call, MemorySegment state, BitSet cpus) {
        int errno = state.get(JAVA_INT, ERRNO_OFFSET);
        return new IllegalStateException(call + " failed: errno=" + errno + (cpus == null ? "" : " cpus=" + cpus));
    }

}
