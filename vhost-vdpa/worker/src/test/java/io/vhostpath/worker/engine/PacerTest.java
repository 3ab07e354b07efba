package io.vhostpath.worker.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The generator's pace: exact over runs far longer than a test; short hold-ups made up for, long ones let go. */
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
        var pacer = new Pacer(1_000_000, 0, 32);
        long sent = 0;
        for (long now = 0; now <= 1_000_000_000L; now += 1_000) sent += pacer.take(now, 32);
        assertEquals(1_000_000, sent, "one packet per microsecond over one second");
    }

    @Test
    void a_hold_up_shorter_than_the_catch_up_depth_is_made_up_for_in_the_next_bursts() {
        var pacer = new Pacer(1_000_000, 0, 32);
        assertEquals(0, pacer.take(0, 32));
        // A 100 us timer interrupt: 100 packets due, sent in full bursts at once, nothing lost to the pace.
        long now = 100_000;
        assertEquals(List.of(32, 32, 32, 4, 0), List.of(pacer.take(now, 32), pacer.take(now, 32), pacer.take(now, 32),
                pacer.take(now, 32), pacer.take(now, 32)));
        long sent = 100;
        for (now = 101_000; now <= 1_000_000_000L; now += 1_000) sent += pacer.take(now, 32);
        assertEquals(1_000_000, sent, "the second offered the whole rate");
    }

    @Test
    void after_a_longer_hold_up_only_the_depth_is_sent_and_the_rest_let_go_not_sent_in_a_flood() {
        var pacer = new Pacer(1_000_000, 0, 32);
        long depth = Pacer.CATCH_UP_NANOS / 1_000;
        assertEquals(0, pacer.take(0, 32));
        // Descheduled for 10 ms: 10,000 packets were due; the depth goes, in bursts, the rest are let go.
        long caughtUp = 0;
        for (int n; (n = pacer.take(10_000_000L, 32)) > 0; ) caughtUp += n;
        assertEquals(depth, caughtUp);
        assertEquals(1, pacer.take(10_001_000L, 32), "then the rate resumes");
        long sent = caughtUp + 1;
        for (long now = 10_002_000L; now <= 1_000_000_000L; now += 1_000) sent += pacer.take(now, 32);
        assertEquals(1_000_000 - 10_000 + depth, sent, "the second offered the rate less what the hold-up missed beyond the depth");
    }

    @Test
    void the_depth_is_at_least_one_burst_at_low_rates() {
        // 1000 pps: 200 us hold the fraction of one packet, so one burst is the depth.
        var pacer = new Pacer(1_000, 0, 32);
        long caughtUp = 0;
        for (int n; (n = pacer.take(10_000_000_000L, 32)) > 0; ) caughtUp += n;
        assertEquals(32, caughtUp);
    }
}
