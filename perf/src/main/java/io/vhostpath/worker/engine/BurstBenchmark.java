package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Eal;
import io.vhostpath.dpdk.EalOptions;
import io.vhostpath.dpdk.EthPort;
import io.vhostpath.net.MacAddress;
import io.vhostpath.dpdk.Mbuf;
import io.vhostpath.dpdk.MbufBurst;
import io.vhostpath.dpdk.MbufPool;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-burst costs of the worker's building blocks on real DPDK (EAL in the forked JVM, net_null ports, mbufs
 * from a real pool): the RX+TX downcall pair, and the per-packet work of macswap and of the probe receiver,
 * each over a burst of 32. Run with {@code make micro}; add {@code -prof gc} to see allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class BurstBenchmark {
    private static final int BURST = 32;

    private Eal eal;
    private MbufPool pool;
    private EthPort rx;
    private EthPort tx;
    private MbufBurst forward;
    private MbufBurst packets;
    private Receiver receiver;

    @Setup(Level.Trial)
    public void setUp() {
        eal = Eal.init(EalOptions.virtualDevices("vp-jmh-" + ProcessHandle.current().pid(), false,
                List.of("net_null0", "net_null1")).withMemoryMb(256));
        eal.registerThread();
        pool = MbufPool.create("jmh", 8191, 256, MbufPool.DEFAULT_DATA_ROOM, MbufPool.SOCKET_ANY);
        rx = start("net_null0");
        tx = start("net_null1");
        forward = new MbufBurst(BURST);
        packets = new MbufBurst(BURST);
        var template = new PacketTemplate(MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02"), 64);
        try (var generator = new Generator(template, 0, pool.address(), 0, BURST, new ProbeWindow())) {
            generator.fill(packets);
        }
        var counters = new CountersManager(new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 512)),
                new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 128)));
        receiver = new Receiver(new StreamCounters(counters, new Stream(0, 0, 0, 0, 0)), new SingleWriterRecorder(3));
    }

    private EthPort start(String name) {
        var port = EthPort.byName(name);
        port.configure(1, 1);
        port.setupRxQueue(0, 1024, pool);
        port.setupTxQueue(0, 1024);
        port.start();
        return port;
    }

    /** One io-forwarding burst: rx_burst on net_null0, tx_burst on net_null1 (two downcalls, 32 packets). */
    @Benchmark
    public int rxTxBurst() {
        int n = forward.rx(rx.id(), 0);
        forward.txOrDrop(tx.id(), 0, 0);
        return n;
    }

    /** Swapping the MACs of 32 packets, in place. */
    @Benchmark
    public long macswap32() {
        for (int i = 0; i < BURST; i++) MacSwap.swap(packets.mbuf(i));
        return Mbuf.getLong(Mbuf.dataAddress(packets.mbuf(0)));
    }

    /** Reading 32 probes: flow, sequence tracking, round trip into the histogram. */
    @Benchmark
    public int inspect32() {
        receiver.inspect(packets);
        return packets.count();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        forward.close();
        packets.close();
        for (EthPort p : List.of(rx, tx)) {
            p.stop();
            p.close();
        }
        pool.close();
        eal.unregisterThread();
        eal.close();
    }
}
