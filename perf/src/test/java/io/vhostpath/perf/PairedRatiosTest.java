package io.vhostpath.perf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairedRatiosTest {
    @Test
    void one_stolen_round_of_five_does_not_decide_but_a_spread_across_one_does() {
        assertEquals("rate java/testpmd 1.040 (1.020-1.060): java ahead by 4.0%",
                PairedRatios.of("rate java/testpmd", "java", List.of(1.04, 0.57, 1.02, 1.06, 1.30)).verdict());
        assertEquals("rate java/testpmd 1.010 (0.990-1.030): no difference resolved",
                PairedRatios.of("rate java/testpmd", "java", List.of(1.01, 0.99, 1.03)).verdict(), "fewer than five: the whole range");
        assertEquals("cost testpmd/java 0.950 (0.940-0.960): java behind by 5.0%",
                PairedRatios.of("cost testpmd/java", "java", List.of(0.95, 0.93, 0.97, 0.96, 0.94)).verdict());
        assertThrows(IllegalArgumentException.class, () -> PairedRatios.of("x", "java", List.of()));
    }

    @Test
    void the_verdict_names_the_contender_the_ratio_is_of() {
        // The pipeline scenario compares the worker with itself: a verdict naming "java" as behind misread it.
        assertEquals("rate pipeline/java 0.130 (0.125-0.137): pipeline behind by 87.0%",
                PairedRatios.of("rate pipeline/java", "pipeline", List.of(0.13, 0.125, 0.137)).verdict());
    }
}
