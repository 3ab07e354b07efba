package io.vhostpath.worker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each step of start-up was first reached, by the wall clock: where a launch's time goes. The summary JSON
 * carries them as microseconds since the epoch ({@code startup_epoch_us}), so that whoever launched the process can
 * set them against its own launch instant (the start-up benchmark does).
 */
final class StartUp {
    static final String MAIN = "main";
    static final String DPDK_LOADED = "dpdk_loaded";
    static final String EAL_READY = "eal_ready";
    static final String PORTS_STARTED = "ports_started";
    static final String POLLING = "polling";

    private final Map<String, Instant> reached = new LinkedHashMap<>();

    /** Records {@code step} now, unless it was reached before (the first polling thread counts). */
    synchronized void reach(String step) {
        reached.putIfAbsent(step, Instant.now());
    }

    synchronized Map<String, Object> epochMicros() {
        var m = new LinkedHashMap<String, Object>();
        reached.forEach((step, at) -> m.put(step, at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000));
        return m;
    }
}
