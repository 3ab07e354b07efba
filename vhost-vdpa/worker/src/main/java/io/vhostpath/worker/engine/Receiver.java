package io.vhostpath.worker.engine;

import io.vhostpath.dpdk.Mbuf;
import io.vhostpath.dpdk.MbufBurst;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Reads the probes of a received burst: per flow it tracks the next expected sequence number to count
 * lost and reordered packets, and, with a recorder, the round trip from the probe's transmit time.
 * Sequence numbers are 32-bit and compared by signed difference, so they may wrap.
 */
final class Receiver {
    /** Largest round trip recorded as itself; longer ones are recorded as this (10 s). */
    static final long MAX_LATENCY_NANOS = 10_000_000_000L;

    private final int[] expected = new int[Probe.MAX_FLOWS];
    private final boolean[] seen = new boolean[Probe.MAX_FLOWS];
    private final StreamCounters counters;
    private final SingleWriterRecorder latency;

    Receiver(StreamCounters counters, SingleWriterRecorder latency) {
        this.counters = counters;
        this.latency = latency;
    }

    /** The flow whose probes of the measured window are counted, and the window's first sequence number. */
    private int windowFlow = -1;
    private int windowStart;
    private long windowReceived;

    /** Expects {@code flow} to start at {@code sequence}: for a generator's own probes, so that none is missed. */
    void expect(int flow, int sequence) {
        seen[flow] = true;
        expected[flow] = sequence;
    }

    /** From now on, counts the probes of {@code flow} numbered {@code start} or later (sequence order, wrapping). */
    void countWindow(int flow, int start) {
        windowFlow = flow;
        windowStart = start;
    }

    /** Probes of the window's flow and sequence range received so far. */
    long windowReceived() {
        return windowReceived;
    }

    void inspect(MbufBurst burst) {
        int n = burst.count();
        long now = latency == null ? 0 : System.nanoTime();
        long lost = 0;
        long reordered = 0;
        long foreign = 0;
        for (int i = 0; i < n; i++) {
            long m = burst.mbuf(i);
            long data = Mbuf.dataAddress(m);
            int flow = Probe.flowOf(data, Mbuf.dataLength(m));
            if (flow < 0) {
                foreign++;
                continue;
            }
            int seq = Probe.sequence(data);
            if (flow == windowFlow && seq - windowStart >= 0) windowReceived++;
            if (!seen[flow]) {
                seen[flow] = true;
                expected[flow] = seq + 1;
            } else {
                int gap = seq - expected[flow];
                if (gap >= 0) {
                    lost += gap;
                    expected[flow] = seq + 1;
                } else {
                    // A late packet: it was counted lost when its successor arrived.
                    reordered++;
                    lost--;
                }
            }
            if (latency != null) {
                long rtt = now - Probe.timestamp(data);
                if (rtt >= 0) latency.recordValue(Math.min(rtt, MAX_LATENCY_NANOS));
            }
        }
        if (lost != 0) counters.lost.getAndAddRelease(lost);
        if (reordered != 0) counters.reordered.getAndAddRelease(reordered);
        if (foreign != 0) counters.foreign.getAndAddRelease(foreign);
    }
}
