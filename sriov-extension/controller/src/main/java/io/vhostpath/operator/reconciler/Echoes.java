package io.vhostpath.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes whose echo the informer cache has not shown yet. Until it does, the cache still holds the object as it was
 * before the write, and comparing with it would write again (or create twice): the source of call storms when many
 * objects change at once. A write is remembered with the resourceVersion the cache showed before it; while the
 * cache still shows that version, the object is left alone.
 */
final class Echoes {
    private final Map<String, String> before = new ConcurrentHashMap<>();

    /** True while the cache shows {@code cached} as it was before our last write of {@code key}. */
    boolean awaiting(String key, HasMetadata cached) {
        String rv = before.get(key);
        if (rv == null) return false;
        if (rv.equals(version(cached))) return true;
        before.remove(key);
        return false;
    }

    void wrote(String key, HasMetadata cachedBefore) {
        before.put(key, version(cachedBefore));
    }

    private static String version(HasMetadata o) {
        return o == null ? "" : String.valueOf(o.getMetadata().getResourceVersion());
    }
}
