package io.vhostpath.worker.engine;

import io.vhostpath.net.MacAddress;
import io.vhostpath.dpdk.Mbuf;
import io.vhostpath.dpdk.MbufBurst;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Per-packet code on mbuf-shaped native memory: MAC swap, probe headers, sequence tracking. */
class PacketCodeTest {
    private final NativePackets packets = new NativePackets();
    private final CountersManager counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 512)), new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 128)));
    private final StreamCounters streamCounters = new StreamCounters(counters, new Stream(0, 0, 0, 0, 0));

    @AfterEach
    void free() {
        packets.close();
    }

    private static final PacketTemplate TEMPLATE = new PacketTemplate(MacAddress.parse("02:00:00:00:00:01"),
            MacAddress.parse("02:00:00:00:00:02"), 64);

    @Test
    void macswap_exchanges_the_two_addresses_and_leaves_the_rest() {
        byte[] frame = new byte[64];
        for (int i = 0; i < frame.length; i++) frame[i] = (byte) i;
        long m = packets.packet(frame);
        MacSwap.swap(m);
        byte[] swapped = Mbuf.read(Mbuf.dataAddress(m), 64);
        assertArrayEquals(Arrays.copyOfRange(frame, 6, 12), Arrays.copyOfRange(swapped, 0, 6));
        assertArrayEquals(Arrays.copyOfRange(frame, 0, 6), Arrays.copyOfRange(swapped, 6, 12));
        assertArrayEquals(Arrays.copyOfRange(frame, 12, 64), Arrays.copyOfRange(swapped, 12, 64));
    }

    @Test
    void template_headers_are_a_valid_ipv4_udp_frame() {
        byte[] h = TEMPLATE.headers();
        assertEquals(42, h.length);
        assertEquals(0x0800, ((h[12] & 0xFF) << 8) | (h[13] & 0xFF));
        assertEquals(64 - 14, ((h[16] & 0xFF) << 8) | (h[17] & 0xFF), "IPv4 total length");
        assertEquals(0, PacketTemplate.ipv4Checksum(h, 14), "a correct header sums to 0xFFFF, so its checksum is 0");
        assertEquals(64 - 34, ((h[38] & 0xFF) << 8) | (h[39] & 0xFF), "UDP length");
        assertThrows(IllegalArgumentException.class, () -> new PacketTemplate(TEMPLATE.source(), TEMPLATE.destination(), 57));
    }

    private long probe(int flow, int seq, long nanos) {
        long m = packets.packet(Arrays.copyOf(TEMPLATE.headers(), 64));
        Probe.write(Mbuf.dataAddress(m), flow, seq, nanos);
        return m;
    }

    private void receive(Receiver receiver, long... mbufs) {
        try (var burst = new MbufBurst(mbufs.length)) {
            for (long m : mbufs) burst.add(m);
            receiver.inspect(burst);
            burst.clear();
        }
    }

    @Test
    void receiver_counts_gaps_as_loss_and_late_packets_as_reordered_per_flow() {
        var receiver = new Receiver(streamCounters, null);
        long now = System.nanoTime();
        receive(receiver, probe(0, 10, now), probe(0, 11, now), probe(0, 14, now), probe(1, 0, now));
        assertEquals(2, streamCounters.lost.get(), "12 and 13 missing");
        receive(receiver, probe(0, 12, now), probe(1, 1, now));
        assertEquals(1, streamCounters.lost.get(), "12 arrived late: no longer lost");
        assertEquals(1, streamCounters.reordered.get());
        receive(receiver, packets.packet(new byte[60]));
        assertEquals(1, streamCounters.foreign.get(), "a packet without the probe magic");
    }

    @Test
    void sequence_numbers_may_wrap() {
        var receiver = new Receiver(streamCounters, null);
        long now = System.nanoTime();
        receive(receiver, probe(2, Integer.MAX_VALUE, now), probe(2, Integer.MIN_VALUE, now), probe(2, Integer.MIN_VALUE + 1, now));
        receive(receiver, probe(3, -1, now), probe(3, 0, now));
        assertEquals(0, streamCounters.lost.get());
        assertEquals(0, streamCounters.reordered.get());
    }

    @Test
    void receiver_records_round_trips_from_the_probe_timestamp() {
        var recorder = new SingleWriterRecorder(3);
        var receiver = new Receiver(streamCounters, recorder);
        long sent = System.nanoTime() - 5_000_000;
        receive(receiver, probe(0, 1, sent), probe(0, 2, sent));
        var h = recorder.getIntervalHistogram();
        assertEquals(2, h.getTotalCount());
        assertEquals(true, h.getMinValue() >= 5_000_000, "at least the 5 ms we backdated");
    }
}
