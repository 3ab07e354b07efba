package io.vhostpath.worker;

import io.vhostpath.net.MacAddress;
import io.vhostpath.worker.engine.Mode;
import io.vhostpath.worker.engine.PacketTemplate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Everything a worker run is made of, validated here so that a bad value fails before DPDK starts.
 *
 * @param ports         port specs ({@link io.vhostpath.worker.port.PortSpec})
 * @param mode          forwarding mode
 * @param queues        queue pairs per port; one polling thread per queue
 * @param cpus          CPUs for polling threads, in order (empty: not pinned)
 * @param burst         packets per RX/TX burst
 * @param descriptors   ring size per queue
 * @param mbufs         mbufs in the pool
 * @param frameSize     generated frame size in bytes, FCS excluded
 * @param ratePps       generator rate per queue, 0 for as fast as possible
 * @param seedBursts    bursts sent first in io/macswap mode (tx_first)
 * @param txRetries     TX retries before unsent packets are dropped
 * @param idle          idle strategy of polling threads
 * @param pipeline      hand packets to an application stage through lock-free rings
 * @param duration      how long to run, or zero until SIGINT/SIGTERM
 * @param statsInterval live statistics period, or zero for none
 * @param hugepages     memory: hugepages, plain memory, or hugepages when free
 * @param memoryMb      EAL memory when not using hugepages
 * @param filePrefix    EAL runtime directory name
 * @param ealExtra      further EAL arguments
 * @param http          metrics endpoint address, or null for none
 * @param sourceMac     source MAC of generated packets, or null for the port's own
 * @param destinationMac destination MAC of generated packets
 * @param summaryJson   file to write the final summary to as JSON, or null
 * @param latencyLog    file to write the measured window's round trips to as an HdrHistogram log, or null
 * @param startTimeout  longest wait for EAL to start (it probes the ports: a silent vhost-user peer blocks it)
 */
public record WorkerConfig(List<String> ports, Mode mode, int queues, List<Integer> cpus, int burst, int descriptors,
                           int mbufs, int frameSize, long ratePps, int seedBursts, int txRetries, IdleMode idle,
                           boolean pipeline, Duration duration, Duration statsInterval, Hugepages hugepages,
                           int memoryMb, String filePrefix, List<String> ealExtra, InetSocketAddress http,
                           MacAddress sourceMac, MacAddress destinationMac, java.nio.file.Path summaryJson,
                           java.nio.file.Path latencyLog, Duration startTimeout) {

    public enum Hugepages { AUTO, ON, OFF }

    /** The highest generator rate: far above any port, and low enough that pacing arithmetic cannot overflow. */
    public static final long MAX_RATE = 1_000_000_000L;

    public WorkerConfig {
        ports = List.copyOf(ports);
        cpus = List.copyOf(cpus);
        ealExtra = List.copyOf(ealExtra);
        if (ports.isEmpty()) throw WorkerError.usage("no port given", "add --port, e.g. --port vhost-vdpa:/dev/vhost-vdpa-0");
        require(queues >= 1 && queues <= 64, "--queues", queues, "1..64");
        for (int cpu : cpus) require(cpu >= 0 && cpu < 1024, "--cpus", cpu, "0..1023 (a CPU number)");
        require(burst >= 1 && burst <= 512, "--burst", burst, "1..512");
        require(descriptors >= 64 && descriptors <= 4096 && Integer.bitCount(descriptors) == 1, "--descriptors",
                descriptors, "a power of two in 64..4096");
        require(mbufs >= 1024, "--mbufs", mbufs, ">= 1024");
        require(frameSize >= PacketTemplate.MIN_FRAME && frameSize <= PacketTemplate.MAX_FRAME, "--size", frameSize,
                PacketTemplate.MIN_FRAME + ".." + PacketTemplate.MAX_FRAME + " (bytes, FCS excluded; the probe needs "
                        + PacketTemplate.MIN_FRAME + ")");
        require(ratePps >= 0 && ratePps <= MAX_RATE, "--rate", ratePps, "0.." + MAX_RATE + " (packets/s per queue)");
        require(seedBursts >= 0 && seedBursts <= 64, "--tx-first", seedBursts, "0..64");
        require(txRetries >= 0, "--tx-retries", txRetries, ">= 0");
        require(memoryMb >= 64, "--memory", memoryMb, ">= 64 (MB)");
        if (startTimeout.isZero() || startTimeout.isNegative()) {
            throw WorkerError.usage("--start-timeout must be positive", "give e.g. --start-timeout 60s");
        }
        if (duration.isNegative()) throw WorkerError.usage("--duration " + duration + " is negative", "give e.g. --duration 10s, or 0 to run until stopped");
        if (latencyLog != null && mode != Mode.LATENCY) {
            throw WorkerError.usage("--latency-log needs --mode latency, not " + mode.name().toLowerCase(),
                    "drop --latency-log or use --mode latency");
        }
        if (pipeline && mode != Mode.IO && mode != Mode.MACSWAP) {
            throw WorkerError.usage("--pipeline works with --mode io or macswap, not " + mode.name().toLowerCase(),
                    "drop --pipeline or choose io/macswap");
        }
        long needed = (long) ports.size() * queues * (2L * descriptors + 2L * burst) + 1024;
        if (mbufs < needed) {
            throw WorkerError.usage("--mbufs " + mbufs + " cannot fill " + ports.size() + " port(s) x " + queues
                    + " queue(s) x " + descriptors + " descriptors", "use --mbufs " + needed + " or more");
        }
    }

    private static void require(boolean ok, String option, long value, String range) {
        if (!ok) throw WorkerError.usage(option + " " + value + " is out of range", "use " + range);
    }

    public enum IdleMode { BUSY, YIELD, BACKOFF }
}
