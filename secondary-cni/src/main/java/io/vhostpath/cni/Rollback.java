package io.vhostpath.cni;

import java.util.ArrayDeque;
import java.util.Deque;

/** The undo steps of a half-done ADD, run newest first when a later step fails; a failing undo is kept as suppressed. */
final class Rollback {
    private final Deque<Runnable> steps = new ArrayDeque<>();
    private final DebugLog log;

    Rollback(DebugLog log) {
        this.log = log;
    }

    /** A step that registers the undo of each thing it does. */
    interface Steps<T> {
        T run(Rollback rollback) throws Exception;
    }

    /** Runs {@code steps}; when one fails, undoes what the earlier ones did and rethrows. */
    static <T> T onFailure(DebugLog log, Steps<T> steps) throws Exception {
        var rollback = new Rollback(log);
        try {
            return steps.run(rollback);
        } catch (Exception e) {
            rollback.undo(e);
            throw e;
        }
    }

    void add(String what, Runnable undo) {
        steps.push(() -> {
            log.line("rollback: " + what);
            undo.run();
        });
    }

    void undo(Throwable cause) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                log.line("rollback step failed: " + e.getMessage());
                cause.addSuppressed(e);
            }
        }
    }
}
