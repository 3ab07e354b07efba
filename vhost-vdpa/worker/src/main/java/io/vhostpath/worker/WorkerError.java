package io.vhostpath.worker;

/** A failure the user can fix: what went wrong (one line) and how to fix it. Exit code 1. */
public final class WorkerError extends RuntimeException {
    private final String fix;

    public WorkerError(String cause, String fix) {
        super(cause);
        this.fix = fix;
    }

    public WorkerError(String cause, String fix, Throwable reason) {
        super(cause, reason);
        this.fix = fix;
    }

    public String fix() { return fix; }
}
