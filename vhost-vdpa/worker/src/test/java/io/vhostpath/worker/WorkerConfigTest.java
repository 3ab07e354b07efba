package io.vhostpath.worker;

import io.vhostpath.worker.engine.Mode;
import io.vhostpath.worker.engine.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerConfigTest {
    @TempDir
    Path tmp;

    static WorkerConfig config(List<String> ports, Mode mode, int queues, int mbufs, boolean pipeline) {
        return new WorkerConfig(ports, mode, queues, List.of(), 32, 1024, mbufs, 64, 0, 0, 64,
                WorkerConfig.IdleMode.BUSY, pipeline, Duration.ofSeconds(1), Duration.ofSeconds(1),
                WorkerConfig.Hugepages.AUTO, 1024, "p", List.of(), null, null, Worker.DEFAULT_PEER, null,
                null, Duration.ofSeconds(60));
    }

    @Test
    void a_valid_configuration_is_accepted() {
        assertEquals(2, config(List.of("null", "null"), Mode.IO, 2, 16383, false).queues());
    }

    @Test
    void out_of_range_values_name_the_option_and_the_range() {
        var e = assertThrows(WorkerError.class, () -> config(List.of("null"), Mode.IO, 0, 16383, false));
        assertEquals("--queues 0 is out of range", e.getMessage());
        assertEquals("use 1..64", e.fix());
        var none = assertThrows(WorkerError.class, () -> config(List.of(), Mode.IO, 1, 16383, false));
        assertTrue(none.fix().contains("--port"));
    }

    @Test
    void too_few_mbufs_for_the_rings_is_caught_before_dpdk_starts() {
        var e = assertThrows(WorkerError.class, () -> config(List.of("null", "null"), Mode.IO, 8, 16383, false));
        assertTrue(e.getMessage().startsWith("--mbufs 16383 cannot fill 2 port(s) x 8 queue(s)"), e.getMessage());
    }

    @Test
    void pipeline_only_with_forwarding_modes() {
        var e = assertThrows(WorkerError.class, () -> config(List.of("null"), Mode.LATENCY, 1, 16383, true));
        assertTrue(e.getMessage().contains("--pipeline"));
    }

    @Test
    void durations_parse_with_units_and_reject_garbage() {
        assertEquals(Duration.ofSeconds(10), WorkerMain.duration("--duration", "10s"));
        assertEquals(Duration.ofMillis(500), WorkerMain.duration("--duration", "500ms"));
        assertEquals(Duration.ofMinutes(2), WorkerMain.duration("--duration", "2m"));
        assertEquals(Duration.ZERO, WorkerMain.duration("--duration", "0"));
        assertThrows(WorkerError.class, () -> WorkerMain.duration("--duration", "ten"));
    }

    @Test
    void topology_pairs_even_port_counts_and_loops_otherwise() {
        assertEquals(List.of(new Stream(0, 0, 0, 1, 0), new Stream(1, 1, 0, 0, 0), new Stream(2, 0, 1, 1, 1),
                new Stream(3, 1, 1, 0, 1)), Topology.streams(2, 2, Topology.paired(2, false)));
        assertEquals(List.of(new Stream(0, 0, 0, 0, 0)), Topology.streams(1, 1, Topology.paired(1, false)));
        assertFalse(Topology.paired(2, Mode.LATENCY.loopsBack()), "a generator measures its own port's returns");
    }

    @Test
    void hugepages_follow_what_meminfo_says_is_free() throws IOException {
        Path none = Files.writeString(tmp.resolve("none"), "HugePages_Total: 0\nHugePages_Free: 0\nHugepagesize: 2048 kB\n");
        Path plenty = Files.writeString(tmp.resolve("plenty"), "HugePages_Free: 1024\nHugepagesize: 2048 kB\n");
        assertFalse(Memory.useHugepages(WorkerConfig.Hugepages.AUTO, none));
        assertTrue(Memory.useHugepages(WorkerConfig.Hugepages.AUTO, plenty));
        assertFalse(Memory.useHugepages(WorkerConfig.Hugepages.OFF, plenty));
        var e = assertThrows(WorkerError.class, () -> Memory.useHugepages(WorkerConfig.Hugepages.ON, none));
        assertTrue(e.getMessage().startsWith("no free hugepages") && e.fix().contains("nr_hugepages"), e.fix());
    }
}
