package io.vhostpath.dpdk;

import io.vhostpath.sys.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * DPDK's Environment Abstraction Layer: once per process.
 *
 * <p>{@code rte_eal_init} pins the calling thread to the main lcore's CPU, and every thread that thread
 * creates afterwards inherits the pin. So init runs on a dedicated platform thread that ends right after,
 * leaving the JVM's own threads (and the caller) unpinned. Java polling threads join EAL with
 * {@link #registerThread()} to get an lcore id, and with it a mempool cache.
 */
public final class Eal implements AutoCloseable {
    private static final MethodHandle RTE_EAL_INIT = Dpdk.function("rte_eal_init",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle RTE_EAL_GET_RUNTIME_DIR = Dpdk.function("rte_eal_get_runtime_dir",
            FunctionDescriptor.of(ADDRESS));

    /** What is used once EAL runs, linked while it starts ({@link Dpdk#linkAhead}) rather than before. */
    static final class Running {
        static final MethodHandle RTE_EAL_CLEANUP = Dpdk.function("rte_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle RTE_LCORE_COUNT = Dpdk.function("rte_lcore_count", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle RTE_GET_MAIN_LCORE = Dpdk.function("rte_get_main_lcore", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle RTE_THREAD_REGISTER = Dpdk.function("rte_thread_register", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle RTE_THREAD_UNREGISTER = Dpdk.function("rte_thread_unregister", FunctionDescriptor.ofVoid());
        static final MethodHandle VP_LCORE_ID = Dpdk.function("vp_lcore_id", FunctionDescriptor.of(JAVA_INT));

        private Running() {}
    }

    /** {@code LCORE_ID_ANY}: the calling thread is not an EAL lcore. */
    public static final int LCORE_ID_ANY = -1;

    private static final AtomicReference<Eal> CURRENT = new AtomicReference<>();
    private static volatile boolean abandoned;
    /** The init thread's nice value; the threads EAL starts from it (interrupts, control) inherit it. */
    private static final int EAL_INIT_NICE = -10;
    /** How long an interrupted init still gets to return before it is abandoned. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

    private final List<String> arguments;
    private final Path runtimeDir;
    private volatile boolean closed;

    private Eal(List<String> arguments, Path runtimeDir) {
        this.arguments = arguments;
        this.runtimeDir = runtimeDir;
    }

    public static Eal init(EalOptions options) {
        return init(options.toArguments());
    }

    public static Eal init(EalOptions options, Duration timeout) {
        return init(options.toArguments(), timeout);
    }

    public static Eal init(List<String> arguments) {
        return init(arguments, null);
    }

    /**
     * Initialises EAL with {@code arguments} (argv[0] first), waiting at most {@code timeout} (null: no
     * limit). Fails with {@link DpdkException} naming {@code rte_errno} when EAL refuses them, with
     * {@link EalStartAbandonedException} when the wait ends first (timeout, or the caller's thread interrupted
     * and init still running 5 s later), and with {@link IllegalStateException} on a second init. An interrupted
     * init that does return is returned, with the caller's interrupt status set again.
     */
    public static synchronized Eal init(List<String> arguments, Duration timeout) {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("EAL is already initialised in this process (args=" + CURRENT.get().arguments + ")");
        }
        if (abandoned) throw new IllegalStateException("an earlier rte_eal_init was abandoned while still running");
        var result = new int[2];
        // argv strings must outlive init: EAL keeps pointers to some of them.
        Arena argvArena = Arena.global();
        MemorySegment argv = argvArena.allocate(ADDRESS, arguments.size() + 1L);
        for (int i = 0; i < arguments.size(); i++) {
            argv.setAtIndex(ADDRESS, i, argvArena.allocateFrom(arguments.get(i)));
        }
        Thread init = Thread.ofPlatform().name("eal-init").unstarted(() -> {
            try {
                // EAL's start-up is CPU work (it loads every installed driver) that on a small machine competes with the
                // JVM's own start-up threads; ahead of them it finishes ~80 ms sooner on two vCPUs. Where raising a
                // priority is not allowed (no CAP_SYS_NICE) it runs at the usual one.
                Libc.setThreadNice(EAL_INIT_NICE);
                result[0] = (int) RTE_EAL_INIT.invokeExact(arguments.size(), argv);
                if (result[0] < 0) result[1] = Dpdk.errno();
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
        });
        // rte_eal_init cannot be cancelled: a caller that stops waiting leaves it running, and the process is
        // expected to exit.
        init.setDaemon(true);
        init.start();
        Dpdk.linkAhead();
        try {
            if (timeout == null) init.join();
            else init.join(timeout);
        } catch (InterruptedException e) {
            // An init that returns can be cleaned up in full; one abandoned leaves what it creates after we left.
            if (!finishes(init, INTERRUPT_GRACE)) {
                abandoned = true;
                throw new EalStartAbandonedException("interrupted while rte_eal_init was running", e);
            }
            Thread.currentThread().interrupt();
        }
        if (init.isAlive()) {
            abandoned = true;
            throw new EalStartAbandonedException("rte_eal_init did not return within " + timeout.toMillis() + " ms", null);
        }
        if (result[0] < 0) {
            throw new DpdkException("rte_eal_init", DpdkException.NONE, DpdkException.NONE, result[1],
                    "args=" + String.join(" ", arguments));
        }
        var eal = new Eal(List.copyOf(arguments), runtimeDir());
        CURRENT.set(eal);
        return eal;
    }

    private static boolean finishes(Thread init, Duration within) {
        try {
            return init.join(within);
        } catch (InterruptedException again) {
            return !init.isAlive();
        }
    }

    /** The initialised EAL of this process, if any. */
    public static Eal current() {
        Eal eal = CURRENT.get();
        if (eal == null) throw new IllegalStateException("EAL is not initialised");
        return eal;
    }

    private static Path runtimeDir() {
        try {
            var dir = (MemorySegment) RTE_EAL_GET_RUNTIME_DIR.invokeExact();
            return Path.of(dir.reinterpret(4096).getString(0));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public List<String> arguments() { return arguments; }

    /** {@code /var/run/dpdk/<prefix>} (or the non-root equivalent) for this process. */
    public Path runtimeDirectory() { return runtimeDir; }

    public int lcoreCount() {
        try {
            return (int) Running.RTE_LCORE_COUNT.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int mainLcore() {
        try {
            return (int) Running.RTE_GET_MAIN_LCORE.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Makes the calling (non-EAL) thread an EAL lcore: it gets an lcore id and so a per-lcore mempool
     * cache; without one, mbuf alloc/free goes to the shared ring and runs about 3x slower.
     *
     * @return the lcore id given to this thread
     */
    public int registerThread() {
        try {
            int rc = (int) Running.RTE_THREAD_REGISTER.invokeExact();
            if (rc < 0) {
                throw new DpdkException("rte_thread_register", DpdkException.NONE, DpdkException.NONE, Dpdk.errno(),
                        "thread=" + Thread.currentThread().getName());
            }
            return lcoreId();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Gives the calling thread's lcore id back; call before the thread ends. */
    public void unregisterThread() {
        try {
            Running.RTE_THREAD_UNREGISTER.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The calling thread's lcore id, or {@link #LCORE_ID_ANY}. */
    public static int lcoreId() {
        try {
            return (int) Running.VP_LCORE_ID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Releases EAL ({@code rte_eal_cleanup}) and removes the runtime directory it created, so the
     * process leaves nothing under {@code /var/run/dpdk}. EAL cannot be initialised again afterwards.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            int rc = (int) Running.RTE_EAL_CLEANUP.invokeExact();
            DpdkException.check(rc, "rte_eal_cleanup", DpdkException.NONE, DpdkException.NONE);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            try {
                RuntimeDirectories.delete(runtimeDir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove EAL runtime directory " + runtimeDir + ": " + e.getMessage(), e);
            }
        }
    }
}
