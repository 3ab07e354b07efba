package io.vhostpath.worker.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The generator's pace: exact over runs far longer than a test, and never above the rate after a hold-up. */
class PacerTest {
    @Test
    void packets_due_grow_linearly_for_a_month_at_ten_mpps() {
        long rate = 10_000_000L;
        assertEquals(0, Pacer.dueBy(0, rate));
        assertEquals(10, Pacer.dueBy(1_000, rate));
        assertEquals(rate, Pacer.dueBy(1_000_000_000L, rate));
        // The plain product elapsed * rate overflows after 922 s at this rate.
        assertEquals(923 * rate, Pacer.dueBy(Duration.ofSeconds(923).toNanos(), rate));
        long month = Duration.ofDays(30).toNanos();
        assertEquals(30L * 86_400 * rate + 5, Pacer.dueBy(month + 500, rate));
    }

    @Test
    void at_the_highest_rate_ten_years_stay_in_range() {
        long tenYears = Duration.ofDays(3650).toNanos();
        long due = Pacer.dueBy(tenYears, 1_000_000_000L);
        assertEquals(tenYears, due);
    }

    @Test
    void a_steady_caller_gets_exactly_the_rate() {
        var pacer = new Pacer(1_000_000, 0);
        long sent = 0;
        for (long now = 0; now <= 1_000_000_000L; now += 1_000) sent += pacer.take(now, 32);
        assertEquals(1_000_000, sent, "one packet per microsecond over one second");
    }

    @Test
    void after_a_hold_up_the_missed_packets_are_let_go_not_sent_in_a_flood() {
        var pacer = new Pacer(1_000_000, 0);
        assertEquals(0, pacer.take(0, 32));
        // Descheduled for 10 ms: 10,000 packets were due; one burst goes, the rest are let go.
        assertEquals(32, pacer.take(10_000_000L, 32));
        assertEquals(0, pacer.take(10_000_000L, 32), "nothing more is owed");
        assertEquals(1, pacer.take(10_001_000L, 32), "then the rate resumes");
        long sent = 33;
        for (long now = 10_002_000L; now <= 1_000_000_000L; now += 1_000) sent += pacer.take(now, 32);
        assertEquals(1_000_000 - 10_000 + 32, sent, "the second offered the rate less what the hold-up missed");
    }
}
