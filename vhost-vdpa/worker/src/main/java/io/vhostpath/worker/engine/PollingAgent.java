package io.vhostpath.worker.engine;

import io.vhostpath.sys.CpuAffinity;
import io.vhostpath.dpdk.Eal;
import org.agrona.concurrent.Agent;

import java.util.List;

/**
 * A polling thread's work: its engines (one per stream it owns), polled in turn. On start the thread pins
 * itself to its CPU (when given) and registers as an EAL lcore, so mempool operations use a per-lcore cache;
 * on close it returns every held mbuf and unregisters.
 */
public final class PollingAgent implements Agent {
    /** No pinning: the thread keeps the affinity it inherited. */
    public static final int ANY_CPU = -1;

    private final String name;
    private final Engine[] engines;
    private final Eal eal;
    private final int cpu;
    private final Runnable started;
    private volatile int lcore = Eal.LCORE_ID_ANY;
    private volatile long threadId;

    /** {@code started} runs on the polling thread once it is ready for its first poll. */
    public PollingAgent(String name, Eal eal, int cpu, List<Engine> engines, Runnable started) {
        this.name = name;
        this.started = started;
        this.eal = eal;
        this.cpu = cpu;
        this.engines = engines.toArray(Engine[]::new);
    }

    @Override
    public void onStart() {
        threadId = Thread.currentThread().threadId();
        if (cpu != ANY_CPU) CpuAffinity.pin(cpu);
        lcore = eal.registerThread();
        for (Engine engine : engines) engine.start();
        started.run();
    }

    @Override
    public int doWork() {
        int work = 0;
        for (Engine engine : engines) work += engine.poll();
        return work;
    }

    @Override
    public void onClose() {
        for (Engine engine : engines) engine.close();
        if (lcore != Eal.LCORE_ID_ANY) eal.unregisterThread();
    }

    @Override
    public String roleName() {
        return name;
    }

    /** The lcore id EAL gave this thread, once started. */
    public int lcore() { return lcore; }

    /** The polling thread's id once started (for allocation accounting), 0 before. */
    public long threadId() { return threadId; }

    public int cpu() { return cpu; }
}
