package io.vhostpath.perf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search alone, against modelled devices: one that forwards up to a capacity and drops the excess, behind a
 * generator with a ceiling of its own. (The real tester and devices run in {@code make rfc2544}.)
 */
class ThroughputSearchTest {
    /** A device of {@code capacityPps} behind a generator that reaches {@code generatorPps} at most. */
    private static ThroughputSearch.Trials model(long capacityPps, long generatorPps, List<Long> asked) {
        return rate -> {
            asked.add(rate);
            long offered = rate == 0 ? generatorPps : rate;
            long generated = Math.min(offered, generatorPps);
            long sent = generated * 5;
            long lost = Math.max(0, generated - capacityPps) * 5;
            return new Trial(rate, 64, 5, sent, lost, 0, generated, new Trial.LatencyFigures(sent - lost, 10_000, 20_000, 30_000, 40_000));
        };
    }

    @Test
    void finds_the_capacity_within_the_resolution() throws Exception {
        var asked = new ArrayList<Long>();
        var outcome = new ThroughputSearch(0, 0.01, 20).search(model(3_300_000, 8_000_000, asked), line -> {});
        assertFalse(outcome.generatorLimited());
        long found = outcome.zeroLossPps();
        assertTrue(found <= 3_300_000 && found >= 3_300_000 * 0.98, "found " + found);
        assertEquals(0L, asked.getFirst(), "the first trial runs the generator flat out");
        assertTrue(outcome.best().passes(0));
        assertEquals(asked.size(), outcome.trials().size());
    }

    @Test
    void a_device_faster_than_the_generator_is_reported_as_generator_limited_after_one_trial() throws Exception {
        var asked = new ArrayList<Long>();
        var outcome = new ThroughputSearch(0, 0.01, 20).search(model(20_000_000, 5_000_000, asked), line -> {});
        assertTrue(outcome.generatorLimited());
        assertEquals(5_000_000, outcome.zeroLossPps());
        assertEquals(List.of(0L), asked);
    }

    @Test
    void a_device_that_returns_nothing_is_an_error_not_a_throughput_of_zero() {
        // vdpa_sim_net drops every frame not sent to its own MAC: the search must say so after one trial, not run
        // a dozen more and report "none without loss".
        var asked = new ArrayList<Long>();
        var e = assertThrows(java.io.IOException.class, () -> new ThroughputSearch(0, 0.01, 20).search(model(0, 5_000_000, asked), line -> {}));
        assertTrue(e.getMessage().contains("25000000 probes of the flat-out trial came back") && e.getMessage().contains("destination MAC"), e.getMessage());
        assertEquals(List.of(0L), asked);
    }

    @Test
    void a_trial_the_generator_falls_short_of_counts_at_the_rate_generated_never_at_the_rate_asked() throws Exception {
        // The generator reaches 4 Mpps flat out but only 2 Mpps paced (a noisy host): the device (3 Mpps) passes every
        // paced trial, and is credited with the 2 Mpps it was offered, not with the rates asked.
        var asked = new ArrayList<Long>();
        ThroughputSearch.Trials shortPaced = rate -> {
            asked.add(rate);
            long generated = rate == 0 ? 4_000_000 : Math.min(rate, 2_000_000);
            long lost = Math.max(0, generated - 3_000_000) * 5;
            return new Trial(rate, 64, 5, generated * 5, lost, 0, generated, new Trial.LatencyFigures(1, 1, 1, 1, 1));
        };
        var outcome = new ThroughputSearch(0, 0.01, 20).search(shortPaced, line -> {});
        assertEquals(2_000_000, outcome.zeroLossPps());
        assertEquals(2_000_000, outcome.best().generatedPps());
        assertFalse(outcome.generatorLimited(), "the flat-out trial lost packets: the device was found, at what it was offered");
        assertTrue(asked.size() < 20, "each short trial narrows the search from above: " + asked);
        assertTrue(asked.stream().allMatch(r -> r == 0 || r >= 2_000_000), "nothing below a rate that passed is tried: " + asked);
    }

    @Test
    void a_tester_out_of_mbufs_never_passes() {
        var t = new Trial(1_000_000, 64, 5, 5_000_000, 0, 3, 1e6, new Trial.LatencyFigures(1, 1, 1, 1, 1));
        assertFalse(t.passes(0));
    }

    @Test
    void an_acceptable_loss_ratio_raises_the_figure_and_the_trial_count_is_bounded() throws Exception {
        var lossy = new ThroughputSearch(0.5, 0.001, 6).search(model(3_000_000, 8_000_000, new ArrayList<>()), line -> {});
        assertEquals(6, lossy.trials().size());
        assertTrue(lossy.zeroLossPps() > 3_000_000, "half the packets may go: " + lossy.zeroLossPps());
    }

    @Test
    void a_device_that_loses_at_every_rate_has_no_throughput() throws Exception {
        ThroughputSearch.Trials broken = rate -> new Trial(rate, 64, 5, 1000, 1, 0, rate == 0 ? 4e6 : rate,
                new Trial.LatencyFigures(1, 1, 1, 1, 1));
        var outcome = new ThroughputSearch(0, 0.01, 30).search(broken, line -> {});
        assertEquals(0, outcome.zeroLossPps());
        assertNull(outcome.best());
    }

    @Test
    void nonsense_parameters_are_refused() {
        assertThrows(IllegalArgumentException.class, () -> new ThroughputSearch(-0.1, 0.01, 10));
        assertThrows(IllegalArgumentException.class, () -> new ThroughputSearch(0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new ThroughputSearch(0, 0.01, 1));
    }
}
