package io.vhostpath.worker.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The generator's pace over runs far longer than a test: the count due never overflows. */
class GeneratorPaceTest {
    @Test
    void packets_due_grow_linearly_for_a_month_at_ten_mpps() {
        long rate = 10_000_000L;
        assertEquals(0, Generator.dueBy(0, rate));
        assertEquals(10, Generator.dueBy(1_000, rate));
        assertEquals(rate, Generator.dueBy(1_000_000_000L, rate));
        // The plain product elapsed * rate overflows after 922 s at this rate.
        assertEquals(923 * rate, Generator.dueBy(Duration.ofSeconds(923).toNanos(), rate));
        long month = Duration.ofDays(30).toNanos();
        assertEquals(30L * 86_400 * rate + 5, Generator.dueBy(month + 500, rate));
    }

    @Test
    void at_the_highest_rate_ten_years_stay_in_range() {
        long tenYears = Duration.ofDays(3650).toNanos();
        long due = Generator.dueBy(tenYears, 1_000_000_000L);
        assertEquals(tenYears, due);
    }
}
