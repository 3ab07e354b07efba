package io.vhostpath.worker;

import io.vhostpath.dpdk.DpdkException;
import io.vhostpath.dpdk.Eal;
import io.vhostpath.dpdk.EalOptions;
import io.vhostpath.dpdk.EthPort;
import io.vhostpath.net.MacAddress;
import io.vhostpath.dpdk.MbufPool;
import io.vhostpath.dpdk.RuntimeDirectories;
import io.vhostpath.sys.CpuAffinity;
import io.vhostpath.worker.engine.Engine;
import io.vhostpath.worker.engine.EngineContext;
import io.vhostpath.worker.engine.Mode;
import io.vhostpath.worker.engine.PacketStage;
import io.vhostpath.worker.engine.PacketTemplate;
import io.vhostpath.worker.engine.PipelineRings;
import io.vhostpath.worker.engine.PollingAgent;
import io.vhostpath.worker.engine.StageEngine;
import io.vhostpath.worker.engine.Stream;
import io.vhostpath.worker.engine.StreamCounters;
import io.vhostpath.worker.engine.ProbeWindow;
import io.vhostpath.worker.port.PortSpec;
import io.vhostpath.worker.stats.PortMonitor;
import io.vhostpath.worker.stats.PortSnapshot;
import io.vhostpath.worker.stats.Snapshot;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One worker run: EAL, the mbuf pool, the ports, one polling thread per queue (plus one application stage
 * per queue in pipeline mode), and the monitors that read their counters.
 *
 * <p>{@link #start} builds everything or, on the first failure, undoes what it built and throws. {@link
 * #close} tears down in reverse order and reports whether every mbuf came back to the pool.
 */
public final class Worker implements AutoCloseable {
    /** Each counter takes 128 bytes of values and 512 of metadata; room for 64 queues x 8 streams x 7. */
    private static final int MAX_COUNTERS = 4096;

    private final WorkerConfig config;
    private final StartUp startUp;
    private final Deque<AutoCloseable> teardown = new ArrayDeque<>();
    private final List<PollingAgent> agents = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<PortMonitor> monitors = new ArrayList<>();
    private final List<PipelineRings> rings = new ArrayList<>();
    private final ProbeWindow window = new ProbeWindow();
    private final long startNanos = System.nanoTime();
    private Eal eal;
    private MbufPool pool;
    private boolean useHugepages;
    private String closeReport = "";
    private boolean allMbufsReturned = true;
    private InFlight inFlight = InFlight.NONE;
    private int mbufsInUse;
    private List<Path> removedStale = List.of();
    private final List<String> notes = new ArrayList<>();

    /** The default {@code --file-prefix}: {@code vhostpath-<pid>}. */
    static final Pattern DEFAULT_PREFIX = Pattern.compile("vhostpath-(\\d+)");

    private Worker(WorkerConfig config, StartUp startUp) {
        this.config = config;
        this.startUp = startUp;
    }

    /** Builds and starts a worker; on failure nothing it created is left (runtime dir, sockets, threads). */
    static Worker start(WorkerConfig config, Path procRoot, StartUp startUp) {
        var worker = new Worker(config, startUp);
        try {
            worker.build(procRoot);
            return worker;
        } catch (RuntimeException | Error e) {
            try {
                worker.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void build(Path procRoot) {
        List<PortSpec> specs = new ArrayList<>();
        for (int i = 0; i < config.ports().size(); i++) {
            var spec = PortSpec.parse(config.ports().get(i), i, config.queues(), config.descriptors());
            spec.check(procRoot).ifPresent(notes::add);
            specs.add(spec);
        }
        checkCpus();
        useHugepages = Memory.useHugepages(config.hugepages(), procRoot.resolve("meminfo"));
        claimPrefix();
        removedStale = RuntimeDirectories.removeStale(RuntimeDirectories.ROOT, DEFAULT_PREFIX);
        startEal(specs);
        startUp.reach(StartUp.EAL_READY);

        try {
            pool = MbufPool.create("vhostpath", config.mbufs(), 256, dataRoom(config.frameSize()), MbufPool.SOCKET_ANY);
        } catch (DpdkException e) {
            throw new WorkerError("cannot create a pool of " + config.mbufs() + " mbufs: " + e.getMessage(), useHugepages
                    ? "lower --mbufs, or reserve more hugepages (/proc/sys/vm/nr_hugepages)"
                    : "lower --mbufs, or raise --memory (now " + config.memoryMb() + " MB)", e);
        }
        teardown.push(pool);

        List<EthPort> ports = new ArrayList<>();
        for (PortSpec spec : specs) ports.add(startPort(spec));
        startUp.reach(StartUp.PORTS_STARTED);
        // Popped after every polling thread has stopped and before the ports stop (a stopped port no longer
        // receives): what is still in flight goes back to the pool.
        teardown.push(() -> inFlight = InFlight.drain(rings, ports, config.queues(), pool));

        var countersValues = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * 128));
        var countersMeta = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * 512));
        var countersManager = new CountersManager(countersMeta, countersValues);

        boolean paired = Topology.paired(ports.size(), config.mode().loopsBack());
        List<Stream> streams = Topology.streams(ports.size(), config.queues(), paired);
        List<StreamCounters> counters = new ArrayList<>();
        List<SingleWriterRecorder> recorders = new ArrayList<>();
        List<List<Engine>> enginesPerQueue = new ArrayList<>();
        for (int q = 0; q < config.queues(); q++) enginesPerQueue.add(new ArrayList<>());
        List<Engine> stages = new ArrayList<>();
        for (Stream stream : streams) {
            var c = new StreamCounters(countersManager, stream);
            var recorder = config.mode() == Mode.LATENCY ? new SingleWriterRecorder(3) : null;
            counters.add(c);
            recorders.add(recorder);
            var source = config.sourceMac() != null ? config.sourceMac() : ports.get(stream.txPort()).macAddress();
            var context = new EngineContext(stream, c, config.burst(), config.txRetries(), pool.address(),
                    new PacketTemplate(source, config.destinationMac(), config.frameSize()), config.ratePps(), recorder,
                    config.mode().generates() ? 0 : config.seedBursts(), window);
            if (config.pipeline()) {
                var r = new PipelineRings(1 << 16);
                rings.add(r);
                enginesPerQueue.get(stream.rxQueue()).add(context.pipeline(r));
                stages.add(new StageEngine(r, config.mode() == Mode.MACSWAP ? PacketStage.MACSWAP : PacketStage.FORWARD,
                        c, config.burst()));
            } else {
                enginesPerQueue.get(stream.rxQueue()).add(context.create(config.mode()));
            }
        }
        for (int p = 0; p < ports.size(); p++) {
            List<StreamCounters> rx = new ArrayList<>(), tx = new ArrayList<>();
            List<SingleWriterRecorder> lat = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++) {
                if (streams.get(i).rxPort() == p) {
                    rx.add(counters.get(i));
                    if (recorders.get(i) != null) lat.add(recorders.get(i));
                }
                if (streams.get(i).txPort() == p) tx.add(counters.get(i));
            }
            monitors.add(new PortMonitor(ports.get(p), rx, tx, lat));
        }
        for (int q = 0; q < config.queues(); q++) startAgent("poll-q" + q, enginesPerQueue.get(q));
        for (int s = 0; s < stages.size(); s++) startAgent("stage-" + s, List.of(stages.get(s)));
        warnOfSharedCpus();
    }

    /** Room for DPDK's headroom and a generated frame in one segment: 2 KiB plus headroom, more for jumbo frames. */
    static int dataRoom(int frameSize) {
        return Math.max(MbufPool.DEFAULT_DATA_ROOM, MBUF_HEADROOM + frameSize);
    }

    /** RTE_PKTMBUF_HEADROOM as DPDK is built. */
    private static final int MBUF_HEADROOM = 128;

    private void claimPrefix() {
        Optional<RuntimeDirectories.Claim> claim;
        try {
            claim = RuntimeDirectories.claim(RuntimeDirectories.ROOT, config.filePrefix());
        } catch (IOException e) {
            throw new WorkerError("cannot lock " + RuntimeDirectories.ROOT.resolve(config.filePrefix() + ".lock") + ": " + e,
                    "run as root, or give a --file-prefix this user may use");
        }
        teardown.push(claim.orElseThrow(() -> new WorkerError("another running worker uses --file-prefix " + config.filePrefix(),
                "give each worker its own --file-prefix (or leave the default, vhostpath-<pid>)")));
    }

    /** Every --cpus entry must be one this process may run on: EAL and pinning would fail later, less clearly. */
    private void checkCpus() {
        BitSet allowed = CpuAffinity.current();
        for (int cpu : config.cpus()) {
            if (!allowed.get(cpu)) {
                throw new WorkerError("--cpus " + cpu + " is not a CPU this process may use", "use CPUs of " + allowed);
            }
        }
    }

    /** Busy pollers sharing a CPU take turns: allowed (a small machine may have to), but said. */
    private void warnOfSharedCpus() {
        var used = new java.util.HashSet<Integer>();
        for (PollingAgent a : agents) {
            if (a.cpu() != PollingAgent.ANY_CPU && !used.add(a.cpu())) {
                notes.add("warning: more than one polling thread on CPU " + a.cpu() + " (--cpus " + config.cpus() + " for "
                        + agents.size() + " threads): they take turns");
                return;
            }
        }
    }

    private void startEal(List<PortSpec> specs) {
        var options = new EalOptions(config.cpus().isEmpty() ? "0" : Integer.toString(config.cpus().getFirst()),
                config.memoryMb(), useHugepages, config.filePrefix(), specs.stream().map(PortSpec::vdev).toList(),
                false, null, config.ealExtra());
        if (useHugepages) options = options.withMemoryMb(0);
        try {
            eal = Eal.init(options, config.startTimeout());
        } catch (DpdkException e) {
            throw new WorkerError("EAL refused to start: " + e.getMessage(),
                    "check the EAL arguments (--eal) and that no other process uses --file-prefix " + config.filePrefix(), e);
        }
        teardown.push(eal);
    }

    private EthPort startPort(PortSpec spec) {
        EthPort port;
        try {
            port = EthPort.byName(spec.vdevName());
        } catch (DpdkException e) {
            throw new WorkerError("port " + spec.vdevName() + " (" + spec.vdev() + ") was not created by DPDK",
                    switch (spec.kind()) {
                        case "vhost-user" -> "is a backend serving " + spec.target() + "? see the virtio_user error above";
                        case "vhost-vdpa" -> "is " + spec.target() + " bound to vhost_vdpa and free? see the virtio_user error above";
                        default -> "see the driver's error above";
                    }, e);
        }
        try {
            port.configure(config.queues(), config.queues());
            teardown.push(port::close);
            for (int q = 0; q < config.queues(); q++) {
                port.setupRxQueue(q, config.descriptors(), pool);
                port.setupTxQueue(q, config.descriptors());
            }
            port.start();
            teardown.push(port::stop);
        } catch (DpdkException e) {
            throw new WorkerError("cannot set up " + port + ": " + e.getMessage(), spec.kind().equals("vhost-server")
                    ? "net_vhost could not serve " + spec.target() + ": see the VHOST_CONFIG lines above"
                    : "lower --queues (device allows " + port.info().maxRxQueues() + ") or --descriptors", e);
        }
        try {
            port.enablePromiscuous();
        } catch (DpdkException e) {
            // virtio_user and net_vhost have no MAC filter to open: nothing to do.
        }
        return port;
    }

    private void startAgent(String name, List<Engine> engines) {
        int index = agents.size();
        int cpu = config.cpus().isEmpty() ? PollingAgent.ANY_CPU : config.cpus().get(index % config.cpus().size());
        var agent = new PollingAgent(name, eal, cpu, engines, () -> startUp.reach(StartUp.POLLING));
        var runner = new AgentRunner(idleStrategy(), this::pollingFailed, null, agent);
        agents.add(agent);
        runners.add(runner);
        teardown.push(runner);
        AgentRunner.startOnThread(runner);
    }

    private IdleStrategy idleStrategy() {
        return switch (config.idle()) {
            case BUSY -> new BusySpinIdleStrategy();
            case YIELD -> new YieldingIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy();
        };
    }

    private volatile Throwable pollingFailure;

    private void pollingFailed(Throwable t) {
        pollingFailure = t;
        System.err.println("vhostpath-worker: polling thread failed: " + t);
    }

    /** The first error a polling thread hit, or null. */
    public Throwable pollingFailure() { return pollingFailure; }

    public boolean healthy() {
        if (pollingFailure != null) return false;
        for (AgentRunner r : runners) {
            if (r.isClosed() || r.thread() == null || !r.thread().isAlive()) return false;
        }
        return true;
    }

    public List<PortMonitor> monitors() { return monitors; }

    public List<PollingAgent> agents() { return agents; }

    public boolean usesHugepages() { return useHugepages; }

    /** What the port checks cleaned up before EAL started (stale sockets). */
    public List<String> startNotes() { return notes; }

    /** Runtime directories of killed workers that this start removed. */
    public List<Path> removedStaleRuntimeDirs() { return removedStale; }

    public Eal eal() { return eal; }

    public MbufPool pool() { return pool; }

    public WorkerConfig config() { return config; }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Samples every port: closes the current stats interval. Healthy means every polling thread runs and every
     * link is up: a worker whose vhost-user backend went away does not recover its port (DPDK's virtio_user
     * reconnects only in server mode), so it says so and a liveness probe restarts it.
     */
    public Snapshot sample() {
        List<PortSnapshot> ports = monitors.stream().map(PortMonitor::sample).toList();
        return new Snapshot(elapsedSeconds(), config.mode().name().toLowerCase(), ports,
                healthy() && ports.stream().allMatch(PortSnapshot::linkUp));
    }

    /** Generators send nothing more; receiving goes on (the drain period before the summary). */
    public void stopGenerating() {
        window.stopSending();
    }

    /**
     * The measured window opens: round trips from now on make up each port's window histogram, and each generating
     * stream counts the probes it sends from now on, and their return.
     */
    public void openWindow() {
        monitors.forEach(PortMonitor::openWindow);
        window.open();
    }

    /** False when teardown found mbufs missing from the pool. */
    public boolean allMbufsReturned() { return allMbufsReturned; }

    /** Mbufs missing from the pool at teardown (0 when all came back). */
    public int mbufsInUse() { return mbufsInUse; }

    /** The mbufs teardown found in flight and returned. */
    public InFlight inFlight() { return inFlight; }

    /** What teardown found: mbufs returned, leftovers removed. Empty before close. */
    public String closeReport() { return closeReport; }

    /**
     * Stops polling (each thread returns the mbufs it holds), returns what is in flight (pipeline rings, port
     * receive queues), stops and closes the ports, checks the pool is full again, frees it, and ends EAL,
     * removing its runtime directory.
     */
    @Override
    public void close() {
        var report = new StringBuilder();
        RuntimeException failure = null;
        while (!teardown.isEmpty()) {
            AutoCloseable step = teardown.pop();
            if (step == pool) {
                mbufsInUse = pool.inUse();
                allMbufsReturned = mbufsInUse == 0;
                report.append(mbufsInUse == 0
                        ? "mbufs: all " + pool.size() + " back in pool '" + pool.name() + "'"
                        : "mbufs: " + mbufsInUse + " of " + pool.size() + " NOT returned to pool '" + pool.name() + "'");
                report.append(inFlight.describe());
            }
            try {
                step.close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("teardown: " + e.getMessage(), e);
                else failure.addSuppressed(e);
            }
        }
        if (eal != null) {
            report.append(Files.exists(eal.runtimeDirectory()) ? "; EAL runtime dir LEFT at " + eal.runtimeDirectory()
                    : "; EAL runtime dir removed");
        }
        closeReport = report.toString();
        if (failure != null) throw failure;
    }

    /** The MAC generators send to by default: the locally administered 02:00:00:00:00:02. */
    public static final MacAddress DEFAULT_PEER = MacAddress.parse("02:00:00:00:00:02");
}
