package io.vhostpath.netlink;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A netlink socket's native memory stays flat however many requests it carries: what a daemon polling the
 * kernel for months needs. The JVM's native memory tracking (on for this module's tests) counts every live
 * malloc FFM made, tagged "Other": that count must not grow.
 */
class NetlinkSocketMemoryTest {
    private static final int REQUESTS = Integer.getInteger("vhostpath.netlink.requests", 1_000_000);

    /** Live native allocations tagged "Other" (where FFM's arenas allocate), from {@code VM.native_memory}. */
    private static long liveNativeAllocations() throws Exception {
        String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        Matcher m = Pattern.compile("malloc=\\d+\\w+ tag=Other #(\\d+)").matcher(summary);
        assumeTrue(m.find(), "native memory tracking is off (-XX:NativeMemoryTracking=summary)");
        return Long.parseLong(m.group(1));
    }

    private static void askForNlctrl(GenericNetlink genl) {
        var replies = genl.request("get family nlctrl", Netlink.GENL_ID_CTRL, Netlink.CTRL_CMD_GETFAMILY, 1,
                w -> w.string(Netlink.CTRL_ATTR_FAMILY_NAME, "nlctrl"));
        assertEquals(1, replies.size());
    }

    @Test
    void a_million_requests_use_no_more_native_memory_than_the_first_thousand() throws Exception {
        try (var genl = new GenericNetlink(NetlinkSocket.generic())) {
            for (int i = 0; i < 1_000; i++) askForNlctrl(genl);
            long warm = liveNativeAllocations();
            for (int i = 0; i < REQUESTS; i++) askForNlctrl(genl);
            long after = liveNativeAllocations();
            System.out.printf("netlink: %d requests, live native allocations %d after the first 1000, %d after all%n",
                    REQUESTS, warm, after);
            assertTrue(after - warm < 64, "live native allocations grew from " + warm + " to " + after);
        }
    }

    @Test
    void a_request_larger_than_the_send_buffer_is_refused_before_it_is_sent() {
        try (var socket = NetlinkSocket.generic()) {
            var tooLarge = java.nio.ByteBuffer.allocate(MessageWriter.MAX_MESSAGE + 1);
            assertThrows(IllegalArgumentException.class, () -> socket.send(tooLarge));
        }
    }
}
