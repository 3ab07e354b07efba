package io.vhostpath.vdpa;

import java.util.Map;

/** Per-queue statistics ({@code VDPA_CMD_DEV_VSTATS_GET}): vendor-named counters such as {@code received_desc}. */
public record VstatsQueue(String device, int queueIndex, long negotiatedFeatures, Map<String, Long> counters) {
}
