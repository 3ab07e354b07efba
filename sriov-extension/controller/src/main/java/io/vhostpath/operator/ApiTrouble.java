package io.vhostpath.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.function.Consumer;

/**
 * What a daemon says when its calls to the API server fail: each distinct trouble once (the API server away, 403 for
 * a missing RBAC rule), then once that it answers again. An outage is two lines in the log, not one per retry.
 */
public final class ApiTrouble {
    private final String daemon;
    private final Consumer<String> log;
    private String last;

    public ApiTrouble(String daemon) {
        this(daemon, System.err::println);
    }

    ApiTrouble(String daemon, Consumer<String> log) {
        this.daemon = daemon;
        this.log = log;
    }

    public synchronized void failed(String call, KubernetesClientException e) {
        String cause = e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + e.getMessage()
                : "no answer: " + e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
        String line = call + ": " + cause;
        if (line.equals(last)) return;
        last = line;
        log.accept(daemon + ": " + line + "; retrying, and changing nothing meanwhile");
    }

    public synchronized void answered() {
        if (last == null) return;
        last = null;
        log.accept(daemon + ": the API server answers again");
    }
}
