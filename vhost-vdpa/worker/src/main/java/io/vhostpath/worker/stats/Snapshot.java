package io.vhostpath.worker.stats;

import java.util.List;

/** The worker at the end of a stats interval; immutable, published for the metrics endpoint. */
public record Snapshot(double elapsedSeconds, String mode, List<PortSnapshot> ports, boolean healthy) {
    /** Before the first sample: not healthy yet, so /healthz answers 503 while the worker starts. */
    public static Snapshot empty(String mode) {
        return new Snapshot(0, mode, List.of(), false);
    }
}
