package io.vhostpath.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cross-CPU round trip the pipeline scenarios report beside their handoff cost. */
class CacheLineRoundTripTest {
    @Test
    @Timeout(60)
    void two_pinned_threads_pass_a_line_back_and_forth_in_a_plausible_time() throws Exception {
        double ns = CacheLineRoundTrip.measure(0, 1, 20_000);
        // Above a core's own L1 latency (a few ns), below a scheduler time slice: anything else is a broken measure.
        assertTrue(ns > 5 && ns < 1_000_000, ns + " ns");
    }

    @Test
    @Timeout(60)
    void a_cpu_that_does_not_exist_is_an_error_and_neither_thread_is_left_spinning() {
        var e = assertThrows(IllegalStateException.class, () -> CacheLineRoundTrip.measure(0, 1000, 1_000));
        assertTrue(e.getMessage().contains("cannot pin"), e.getMessage());
    }
}
