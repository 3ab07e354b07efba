package io.vhostpath.worker;

import io.vhostpath.sys.Libc;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT and SIGTERM as a stop request, from the first moment of {@code main}. While the worker starts, a stop
 * also interrupts the starting thread, so a start-up that blocks (EAL waiting for a vhost-user peer that never
 * answers) ends promptly instead of costing a pod its whole grace period.
 */
final class StopSignal {
    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile Thread starting;

    /**
     * Handles SIGINT and SIGTERM from now on. A process started in the background by a script inherits SIGINT
     * ignored (POSIX, for asynchronous lists), and the JVM does not handle a signal that was ignored when it
     * started: so both go back to their default action first, and the worker stops however it was started.
     */
    static StopSignal install() {
        var stop = new StopSignal();
        Libc.defaultSignal(Libc.SIGINT);
        Libc.defaultSignal(Libc.SIGTERM);
        for (String name : List.of("INT", "TERM")) Signal.handle(new Signal(name), s -> stop.request());
        return stop;
    }

    void request() {
        requested.countDown();
        Thread t = starting;
        if (t != null) t.interrupt();
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Marks the calling thread as starting: a stop interrupts it until {@link #started()}. */
    void starting() {
        starting = Thread.currentThread();
        if (requested()) starting.interrupt();
    }

    /** Start-up is over: stops no longer interrupt, and a pending interrupt is cleared (the request stays). */
    void started() {
        starting = null;
        Thread.interrupted();
    }

    /** Waits at most {@code nanos}; true once a stop was requested. */
    boolean await(long nanos) {
        try {
            if (nanos > 0) requested.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        return requested();
    }
}
