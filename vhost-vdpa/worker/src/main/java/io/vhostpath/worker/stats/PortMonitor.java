package io.vhostpath.worker.stats;

import io.vhostpath.dpdk.EthPort;
import io.vhostpath.dpdk.EthStats;
import io.vhostpath.worker.engine.StreamCounters;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.List;

/**
 * Reads one port's counters and latency for the stats thread: the device's stats, the counters of the
 * streams receiving from it and sending to it, and the recorders of its latency streams: round trips since
 * start (for the metrics) and since the measured window opened (for the summary and the HdrHistogram log).
 */
public final class PortMonitor {
    private final EthPort port;
    private final List<StreamCounters> receiving;
    private final List<StreamCounters> sending;
    private final List<SingleWriterRecorder> recorders;
    private final Histogram total = new Histogram(3);
    private final Histogram interval = new Histogram(3);
    private final Histogram window = new Histogram(3);
    private boolean windowOpen;
    private Histogram recycled;
    private PortCounters previous = PortCounters.ZERO;
    private long previousNanos;

    public PortMonitor(EthPort port, List<StreamCounters> receiving, List<StreamCounters> sending,
                       List<SingleWriterRecorder> recorders) {
        this.port = port;
        this.receiving = List.copyOf(receiving);
        this.sending = List.copyOf(sending);
        this.recorders = List.copyOf(recorders);
        this.previousNanos = System.nanoTime();
    }

    public EthPort port() { return port; }

    public PortCounters read() {
        EthStats s = port.stats();
        long dropped = 0, alloc = 0, lost = 0, reordered = 0, foreign = 0, windowSent = 0, windowLost = 0;
        for (StreamCounters c : sending) {
            dropped += c.dropped.getAcquire() + c.stageDropped.getAcquire();
            alloc += c.allocFailures.getAcquire();
        }
        for (StreamCounters c : receiving) {
            lost += c.lost.getAcquire();
            reordered += c.reordered.getAcquire();
            foreign += c.foreign.getAcquire();
            windowSent += c.windowSent.getAcquire();
            windowLost += c.windowLost.getAcquire();
        }
        return new PortCounters(s.rxPackets(), s.txPackets(), s.rxBytes(), s.txBytes(), s.rxMissed(), s.txErrors(),
                dropped, alloc, lost, reordered, foreign, windowSent, windowLost);
    }

    /** Round trips recorded from now on make up the window's histogram (the warm-up's do not). */
    public synchronized void openWindow() {
        windowOpen = true;
        window.reset();
    }

    /** A copy of the round trips since {@link #openWindow()}, as of the latest sample. */
    public synchronized Histogram windowLatency() {
        return window.copy();
    }

    /** Closes the interval that started at the previous sample. */
    public synchronized PortSnapshot sample() {
        long now = System.nanoTime();
        PortCounters current = read();
        double seconds = Math.max(1e-9, (now - previousNanos) / 1e9);
        interval.reset();
        for (SingleWriterRecorder r : recorders) {
            recycled = r.getIntervalHistogram(recycled);
            interval.add(recycled);
        }
        total.add(interval);
        if (windowOpen) window.add(interval);
        var snapshot = new PortSnapshot(port.name(), port.link().up(), current,
                (current.rxPackets() - previous.rxPackets()) / seconds / 1e6,
                (current.txPackets() - previous.txPackets()) / seconds / 1e6,
                (current.rxBytes() - previous.rxBytes()) * 8 / seconds / 1e9,
                (current.txBytes() - previous.txBytes()) * 8 / seconds / 1e9,
                current.dropped() - previous.dropped(), Latency.of(interval), Latency.of(total));
        previous = current;
        previousNanos = now;
        return snapshot;
    }
}
