package io.vhostpath.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StartUpRaceTest {
    @TempDir
    Path tmp;

    @Test
    void the_workers_steps_are_set_against_the_launch_instant_in_order() throws Exception {
        Instant launched = Instant.ofEpochSecond(1_800_000_000L, 250_000_000);
        long launchedMicros = 1_800_000_000_250_000L;
        Path summary = tmp.resolve("startup-java-aot-1.json");
        Files.writeString(summary, "{\"exit_code\":0,\"startup_epoch_us\":{\"main\":" + (launchedMicros + 150_000)
                + ",\"eal_ready\":" + (launchedMicros + 612_500) + ",\"polling\":" + (launchedMicros + 640_000) + "}}");
        Map<String, Double> steps = StartUpRace.steps(summary, launched);
        assertEquals(List.of("main", "eal_ready", "polling"), List.copyOf(steps.keySet()), "in the worker's order");
        assertEquals(150.0, steps.get("main"), 1e-9);
        assertEquals(612.5, steps.get("eal_ready"), 1e-9);
        assertEquals(640.0, steps.get("polling"), 1e-9);
    }

    @Test
    void testpmd_writes_no_summary_and_has_no_steps() throws Exception {
        assertEquals(Map.of(), StartUpRace.steps(tmp.resolve("startup-testpmd-1.json"), Instant.now()));
        Path older = tmp.resolve("startup-java-1.json");
        Files.writeString(older, "{\"exit_code\":0}");
        assertEquals(Map.of(), StartUpRace.steps(older, Instant.now()), "a worker from before the steps were recorded");
    }
}
