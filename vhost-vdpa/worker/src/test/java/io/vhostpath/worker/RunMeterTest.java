package io.vhostpath.worker;

import io.vhostpath.worker.engine.PollingAgent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Allocation accounting copes with polling threads that never started (their start failed, say). */
class RunMeterTest {
    @Test
    void an_agent_that_never_started_counts_nothing_and_breaks_nothing() {
        var neverStarted = new PollingAgent("poll-q1", null, PollingAgent.ANY_CPU, List.of(), () -> {});
        var meter = new RunMeter(List.of(neverStarted));
        meter.mark();
        assertEquals(0, meter.read().allocatedBytes());
    }
}
