package io.vhostpath.sys;

/** A system call failed: which call, on what, and errno with its {@code strerror} text. */
public class NativeError extends RuntimeException {
    private final String call;
    private final int errno;

    public NativeError(String call, String subject, int errno) {
        super(call + "(" + subject + ") failed: errno=" + errno + " (" + Libc.strerror(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** For subclasses that compose their own message. */
    protected NativeError(int errno, String call, String message) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    public String call() { return call; }
    public int errno() { return errno; }
}
