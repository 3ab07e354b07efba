package io.vhostpath.worker;

/**
 * A failure the user can fix: what went wrong (one line) and how to fix it. Exit code 1 for what the machine
 * refused at run time, 2 for bad usage (a value the worker can reject before it touches anything).
 */
public final class WorkerError extends RuntimeException {
    private final String fix;
    private final int exitCode;

    private WorkerError(String cause, String fix, Throwable reason, int exitCode) {
        super(cause, reason);
        this.fix = fix;
        this.exitCode = exitCode;
    }

    public WorkerError(String cause, String fix) {
        this(cause, fix, null, 1);
    }

    public WorkerError(String cause, String fix, Throwable reason) {
        this(cause, fix, reason, 1);
    }

    /** An option or port spec that is wrong in itself: exit code 2. */
    public static WorkerError usage(String cause, String fix) {
        return new WorkerError(cause, fix, null, 2);
    }

    public String fix() { return fix; }

    public int exitCode() { return exitCode; }
}
