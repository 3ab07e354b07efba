package io.vhostpath.net;

import io.vhostpath.sys.Libc;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A network namespace, held open by a file descriptor ({@code /var/run/netns/NAME}, {@code /proc/PID/ns/net}).
 *
 * <p>{@link #call} runs work inside it on a fresh platform thread that enters with {@code setns(2)} and goes back
 * to its own namespace in {@code finally}. The namespace is per thread: a virtual thread could move between
 * carriers, and a pooled thread that failed to return would carry the namespace into unrelated work, so the
 * thread is never reused.
 */
public final class NetworkNamespace implements AutoCloseable {
    /** Where {@code ip netns add NAME} mounts named namespaces. */
    public static final Path NAMED = Path.of("/var/run/netns");

    private final Path path;
    private final int fd;
    private boolean closed;

    private NetworkNamespace(Path path) {
        this.path = path;
        this.fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
    }

    /** Opens the namespace file at {@code path}. */
    public static NetworkNamespace open(Path path) {
        return new NetworkNamespace(path);
    }

    /** The namespace {@code ip netns add name} created. */
    public static NetworkNamespace named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("network namespace name '" + name + "' is not a plain file name");
        }
        return open(NAMED.resolve(name));
    }

    /** The network namespace process {@code pid} is in. */
    public static NetworkNamespace ofProcess(long pid) {
        return open(Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    public Path path() { return path; }

    /** The open descriptor (for {@code IFLA_NET_NS_FD}); valid until {@link #close}. */
    public int fd() { return fd; }

    /** Work to run inside the namespace. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} inside this namespace and returns its result; its exception, if any, is rethrown here
     * (checked ones wrapped in {@link IllegalStateException}). Waits for the work even when interrupted.
     */
    public <T> T call(Work<T> work) {
        var outcome = new Object[1];
        var failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().name("netns " + path).unstarted(() -> {
            try {
                outcome[0] = inside(work);
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] instanceof RuntimeException r) throw r;
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new IllegalStateException("in network namespace " + path + ": " + failure[0], failure[0]);
        @SuppressWarnings("unchecked")
        T result = (T) outcome[0];
        return result;
    }

    private <T> T inside(Work<T> work) throws Exception {
        int home = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, path.toString());
            try {
                return work.run();
            } finally {
                Libc.setns(home, Libc.CLONE_NEWNET, "back to the thread's own namespace");
            }
        } finally {
            Libc.close(home);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
    }
}
