package io.vhostpath.sys;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibcTest {
    /** The calling thread's nice value as the kernel reports it (field 19 of /proc/thread-self/stat). */
    private static int niceOfThisThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    @Test
    void a_threads_nice_value_is_its_own_and_its_childrens() throws Exception {
        int before = niceOfThisThread();
        int raised = Math.min(19, before + 5);
        var seen = new AtomicReference<String>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                assertTrue(Libc.setThreadNice(raised), "raising a nice value is always allowed");
                int[] child = new int[1];
                Thread c = Thread.ofPlatform().start(() -> {
                    try {
                        child[0] = niceOfThisThread();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                c.join();
                seen.set(niceOfThisThread() + " " + child[0]);
            } catch (Exception e) {
                seen.set(e.toString());
            }
        });
        t.join();
        assertEquals(raised + " " + raised, seen.get(), "the thread and the thread it started");
        assertEquals(before, niceOfThisThread(), "the caller's own thread is untouched");
        boolean privileged = Files.readString(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("CapEff:")).anyMatch(l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << 23)) != 0);
        var lowered = new AtomicReference<Boolean>();
        Thread.ofPlatform().start(() -> lowered.set(Libc.setThreadNice(before - 1))).join();
        assertEquals(privileged, lowered.get(), "a lower value than the caller's only with CAP_SYS_NICE");
    }
}
