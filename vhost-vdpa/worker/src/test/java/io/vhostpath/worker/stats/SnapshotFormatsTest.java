package io.vhostpath.worker.stats;

import io.vhostpath.text.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotFormatsTest {
    private final Snapshot snapshot = new Snapshot(3.5, "latency", List.of(new PortSnapshot("virtio_user0", true,
            new PortCounters(100, 90, 6400, 5760, 1, 0, 10, 0, 2, 1, 0, 0, 0), 1.5, 1.4, 0.7, 0.6, 3,
            Latency.NONE, new Latency(90, 15_000, 20_000, 40_000, 55_000, 80_000, 16_000.0))), true);

    @Test
    void prometheus_text_has_help_type_and_labelled_samples() {
        String text = SnapshotFormats.prometheus(snapshot);
        assertTrue(text.contains("# TYPE vhostpath_port_rx_packets_total counter\nvhostpath_port_rx_packets_total{port=\"virtio_user0\"} 100\n"), text);
        assertTrue(text.contains("vhostpath_rtt_seconds{port=\"virtio_user0\",quantile=\"0.99\"} 4.00000000e-05\n"), text);
        assertTrue(text.contains("vhostpath_rtt_seconds_count{port=\"virtio_user0\"} 90\n"), text);
        assertTrue(text.endsWith("vhostpath_up 1\n"));
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || line.matches("[a-z_]+(\\{[^}]*\\})? \\S+"), line);
        }
    }

    @Test
    void json_escapes_and_nests() {
        var doc0 = new java.util.LinkedHashMap<String, Object>();
        doc0.put("a", "x\"y\n");
        doc0.put("b", java.util.Arrays.asList(1, true, null));
        doc0.put("c", Map.of("d", 1.5));
        assertEquals("{\"a\":\"x\\\"y\\n\",\"b\":[1,true,null],\"c\":{\"d\":1.50000}}", Json.write(doc0));
        String doc = Json.write(SnapshotFormats.toMap(snapshot));
        assertTrue(doc.startsWith("{\"elapsed_seconds\":3.50000,\"mode\":\"latency\",\"healthy\":true,\"ports\":[{\"port\":\"virtio_user0\""), doc);
        assertTrue(doc.contains("\"latency_ns\":{\"count\":90,\"p50\":15000"), doc);
    }

    @Test
    void the_live_line_says_n_a_for_gbps_when_the_driver_counts_no_bytes() {
        var counted = snapshot.ports().getFirst();
        assertTrue(TextFormat.live(1.0, counted).contains("rx   1.500 Mpps   0.70 Gbps"), TextFormat.live(1.0, counted));
        var noBytes = new PortSnapshot("net_ring0", true, new PortCounters(100, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                1.5, 1.4, 0, 0, 0, Latency.NONE, Latency.NONE);
        String line = TextFormat.live(1.0, noBytes);
        assertTrue(line.contains("rx   1.500 Mpps   n/a Gbps | tx   1.400 Mpps   n/a Gbps"), line);
        assertTrue(!line.contains("LINK DOWN"), line);
        var down = new PortSnapshot("virtio_user0", false, counted.total(), 0, 0, 0, 0, 0, Latency.NONE, Latency.NONE);
        assertTrue(TextFormat.live(1.0, down).contains("| LINK DOWN"), TextFormat.live(1.0, down));
    }
}
