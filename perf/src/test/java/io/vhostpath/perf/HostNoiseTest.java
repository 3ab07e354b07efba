package io.vhostpath.perf;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host noise probe: its arithmetic on a known gap profile, then a real pinned probe through its JSON. */
class HostNoiseTest {
    /** 10 s with 100 ms in 8-16 us gaps, 50 ms in 1-2 ms gaps and 20 ms in one 5 ms-class gap. */
    private static final HostNoise PROFILE = new HostNoise(1, 10, 5_500_000, new TreeMap<>(java.util.Map.of(
            8_192L, 100_000_000L, 1_048_576L, 50_000_000L, 4_194_304L, 20_000_000L)));

    @Test
    void shares_count_only_the_gaps_certainly_at_least_that_long() {
        assertEquals(0.017, PROFILE.stalledShare(), 1e-12);
        // 1 ms: the 1-2 ms class starts at 1,048,576 ns >= 1 ms, so it counts; 1.5 ms: that class may hold shorter gaps.
        assertEquals(0.007, PROFILE.shareInStallsOfAtLeast(1_000_000), 1e-12);
        assertEquals(0.002, PROFILE.shareInStallsOfAtLeast(1_500_000), 1e-12);
        assertEquals(0.0, PROFILE.shareInStallsOfAtLeast(10_000_000), 1e-12);
        var quieter = new HostNoise(0, 10, 900_000, new TreeMap<>(java.util.Map.of(8_192L, 1_000_000L)));
        assertEquals(5_500_000, HostNoise.longestNs(List.of(quieter, PROFILE)));
    }

    @Test
    void the_json_form_reads_back_the_same() {
        assertEquals(PROFILE, HostNoise.of(io.vhostpath.text.JsonReader.parseObject(io.vhostpath.text.Json.write(PROFILE.toMap()))));
    }

    @Test
    void a_real_probe_pinned_to_each_cpu_reports_a_share_of_its_time() throws Exception {
        var noise = HostNoise.measure(List.of(0, 1), 0.5);
        assertEquals(List.of(0, 1), noise.stream().map(HostNoise::cpu).toList());
        for (HostNoise n : noise) {
            double share = n.stalledShare();
            // A thread never runs more than all of the time; a stall longer than the probe is not possible either.
            assertTrue(share >= 0 && share < 1, n.describe());
            assertTrue(n.longestNs() < 500_000_000L, n.describe());
            assertTrue(n.gapTimeNs().keySet().stream().allMatch(k -> k >= HostNoise.MIN_GAP_NS && Long.bitCount(k) == 1), n.describe());
        }
    }
}
