package io.vhostpath.worker.engine;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * Counters of one stream, each on its own cache lines (Agrona's {@link CountersManager} pads every value to
 * 128 bytes). Each counter has one writer, which updates it with release stores; the stats thread reads and
 * adds them up. All but {@link #stageDropped} belong to the stream's polling thread.
 */
public final class StreamCounters {
    public final AtomicCounter rxPackets;
    public final AtomicCounter txPackets;
    /** Packets freed without being sent: TX full after the retries, or the ring to the stage full. */
    public final AtomicCounter dropped;
    /** Generator bursts skipped because the pool was empty. */
    public final AtomicCounter allocFailures;
    /** Probe sequence numbers never seen (receiver engines). */
    public final AtomicCounter lost;
    /** Probes that arrived after a later one. */
    public final AtomicCounter reordered;
    /** Received packets that carry no vhostpath probe. */
    public final AtomicCounter foreign;
    /**
     * Probes this stream sent since the measured window opened that have not come back (latency mode): lost, or still
     * in flight until the run's drain is over. A gauge, set after each poll.
     */
    public final AtomicCounter windowLost;
    /** Probes this stream sent since the measured window opened (latency mode). */
    public final AtomicCounter windowSent;
    /** Packets the application stage freed (pipeline mode): written by the stage thread alone. */
    public final AtomicCounter stageDropped;

    public StreamCounters(CountersManager counters, Stream stream) {
        String s = "stream=" + stream.index() + " ";
        rxPackets = counters.newCounter(s + "rx_packets");
        txPackets = counters.newCounter(s + "tx_packets");
        dropped = counters.newCounter(s + "dropped");
        allocFailures = counters.newCounter(s + "alloc_failures");
        lost = counters.newCounter(s + "lost");
        reordered = counters.newCounter(s + "reordered");
        foreign = counters.newCounter(s + "foreign");
        windowLost = counters.newCounter(s + "window_lost");
        windowSent = counters.newCounter(s + "window_sent");
        stageDropped = counters.newCounter(s + "stage_dropped");
    }
}
