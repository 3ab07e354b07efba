package io.vhostpath.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls vhostpath needs (socket(2), bind(2), send(2), recv(2), setsockopt(2),
 * open(2), write(2), close(2), ioctl(2), setns(2), sched_{get,set}affinity(2)), each returning its result with errno captured right after the
 * call. One holder for the whole repository's system calls.
 */
public final class Libc {
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    /** {@code CLONE_NEWNET}: the namespace type of {@link #setns} for network namespaces. */
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int O_CLOEXEC = 02000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    /*
     * Each group of functions is linked the first time one of them is called (its holder class initialises then):
     * linking costs milliseconds per signature, at start-up, and a process calls few groups (the worker: signals and
     * affinity; the CNI plugin: files; the netlink clients: sockets).
     */
    private static final class Sockets {
        static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle BIND = call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SETSOCKOPT = call("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SEND = call("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle RECV = call("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class Descriptors {
        static final MethodHandle OPEN = call("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle IOCTL = call("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    private static final class Signals {
        static final MethodHandle SIGNAL = call("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    }

    // A thread's affinity, namespace and priority are asked for at different moments of a start (the worker checks its
    // CPUs before EAL, raises EAL's priority on EAL's thread, never enters a namespace): each links on its own.
    private static final class Affinity {
        static final MethodHandle SCHED_GETAFFINITY = call("sched_getaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle SCHED_SETAFFINITY = call("sched_setaffinity",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    private static final class Namespaces {
        static final MethodHandle SETNS = call("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Priority {
        static final MethodHandle SETPRIORITY = call("setpriority", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Errors {
        static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("strerror"),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private Libc() {}

    private static MethodHandle call(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), d, ERRNO);
    }

    /** Holds the errno slot for one call; confined to the calling thread. */
    public static final class Errno implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        final MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());

        public int value() {
            return state.get(JAVA_INT, ERRNO_OFFSET);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    public static String strerror(int errno) {
        try {
            return ((MemorySegment) Errors.STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Native calls throw only what the JVM throws; anything checked would be a binding bug. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        throw new AssertionError(t);
    }

    /** Throws {@link NativeError} for a negative result. */
    private static long check(long rc, Errno errno, String call, String subject) {
        if (rc < 0) throw new NativeError(call, subject, errno.value());
        return rc;
    }

    public static int socket(int domain, int type, int protocol) {
        try (var e = new Errno()) {
            return (int) check((int) Sockets.SOCKET.invokeExact(e.state, domain, type, protocol), e, "socket",
                    "domain=" + domain + " protocol=" + protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void bind(int fd, MemorySegment address) {
        try (var e = new Errno()) {
            check((int) Sockets.BIND.invokeExact(e.state, fd, address, (int) address.byteSize()), e, "bind", "fd=" + fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setsockopt(int fd, int level, int option, int value) {
        try (var e = new Errno(); var arena = Arena.ofConfined()) {
            var v = arena.allocateFrom(JAVA_INT, value);
            check((int) Sockets.SETSOCKOPT.invokeExact(e.state, fd, level, option, v, 4), e, "setsockopt",
                    "fd=" + fd + " level=" + level + " option=" + option);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long send(int fd, MemorySegment buffer, long length) {
        try (var e = new Errno()) {
            return check((long) Sockets.SEND.invokeExact(e.state, fd, buffer, length, 0), e, "send", "fd=" + fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recv(int fd, MemorySegment buffer, int flags) {
        try (var e = new Errno()) {
            return check((long) Sockets.RECV.invokeExact(e.state, fd, buffer, buffer.byteSize(), flags), e, "recv", "fd=" + fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags) {
        try (var e = new Errno(); var arena = Arena.ofConfined()) {
            return (int) check((int) Descriptors.OPEN.invokeExact(e.state, arena.allocateFrom(path), flags), e, "open", path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Writes {@code text} to the file in one write(2), as sysfs attributes need: the kernel's store function sees
     * the whole value, and its error comes back as errno (EBUSY, EINVAL, ENOMEM ...), which {@link NativeError}
     * carries. Java's file APIs keep only the strerror text.
     */
    public static void writeFile(String path, String text) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        try (var e = new Errno(); var arena = Arena.ofConfined()) {
            var bytes = arena.allocateFrom(text);
            check((long) Descriptors.WRITE.invokeExact(e.state, fd, bytes, bytes.byteSize() - 1), e, "write", "'" + text.strip() + "' to " + path);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            close(fd);
        }
    }

    public static void close(int fd) {
        try (var e = new Errno()) {
            check((int) Descriptors.CLOSE.invokeExact(e.state, fd), e, "close", "fd=" + fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sched_getaffinity(2)} of the calling thread (pid 0) into {@code mask}. */
    public static void schedGetaffinity(MemorySegment mask) {
        try (var e = new Errno()) {
            check((int) Affinity.SCHED_GETAFFINITY.invokeExact(e.state, 0, mask.byteSize(), mask), e, "sched_getaffinity", "thread");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sched_setaffinity(2)} of the calling thread (pid 0) to {@code mask}. */
    public static void schedSetaffinity(MemorySegment mask, String cpus) {
        try (var e = new Errno()) {
            check((int) Affinity.SCHED_SETAFFINITY.invokeExact(e.state, 0, mask.byteSize(), mask), e, "sched_setaffinity", "cpus=" + cpus);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Sets the calling thread's nice value ({@code setpriority(PRIO_PROCESS, 0, nice)}: per thread on Linux, inherited by
     * the threads it creates); false where it is not allowed (a negative value needs CAP_SYS_NICE).
     */
    public static boolean setThreadNice(int nice) {
        try (var e = new Errno()) {
            return (int) Priority.SETPRIORITY.invokeExact(e.state, 0, 0, nice) == 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static final int SIGINT = 2;
    public static final int SIGTERM = 15;

    /** {@code signal(signum, SIG_DFL)}: the signal's default action again, whatever the process inherited. */
    public static void defaultSignal(int signum) {
        try (var e = new Errno()) {
            var previous = (MemorySegment) Signals.SIGNAL.invokeExact(e.state, signum, MemorySegment.NULL);
            // SIG_ERR is (void (*)(int)) -1.
            if (previous.address() == -1L) throw new NativeError("signal", "signum=" + signum, e.value());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setns(2)}: moves the calling thread into the namespace {@code fd} refers to. */
    public static void setns(int fd, int nstype, String subject) {
        try (var e = new Errno()) {
            check((int) Namespaces.SETNS.invokeExact(e.state, fd, nstype), e, "setns", subject);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, arg)}; {@code subject} names the device for the error message. */
    public static int ioctl(int fd, long request, MemorySegment arg, String subject) {
        try (var e = new Errno()) {
            return (int) check((int) Descriptors.IOCTL.invokeExact(e.state, fd, request, arg), e,
                    "ioctl", subject + ", request=0x" + Long.toHexString(request));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
