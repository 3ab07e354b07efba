package io.vhostpath.netlink;

import io.vhostpath.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An {@code AF_NETLINK} socket through FFM, with extended acks on (the kernel's reason comes back with an
 * error) and capped acks (errors do not echo the request). Not thread-safe: one per caller.
 *
 * <p>Its native memory is two fixed buffers allocated when it opens: a daemon that asks the kernel every few
 * seconds for months uses no more native memory on the millionth request than on the first.
 */
public final class NetlinkSocket implements NetlinkTransport {
    /** Large enough for any dump part the kernel sends (it sizes them to the page, up to 32 KiB). */
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /** {@code struct sockaddr_nl}: u16 family, u16 pad, u32 pid, u32 groups. */
    private static final int SOCKADDR_NL_SIZE = 12;

    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment receiveBuffer;
    private final MemorySegment sendBuffer;
    private boolean closed;

    public NetlinkSocket(int protocol) {
        fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        try {
            Libc.setsockopt(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1);
            Libc.setsockopt(fd, Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1);
            var address = arena.allocate(SOCKADDR_NL_SIZE, 4);
            address.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            Libc.bind(fd, address);
        } catch (RuntimeException e) {
            Libc.close(fd);
            arena.close();
            throw e;
        }
        receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
        sendBuffer = arena.allocate(MessageWriter.MAX_MESSAGE, 8);
    }

    /** A socket for generic netlink (vdpa, devlink, nlctrl). */
    public static NetlinkSocket generic() {
        return new NetlinkSocket(Netlink.NETLINK_GENERIC);
    }

    @Override
    public void send(ByteBuffer message) {
        int length = message.remaining();
        if (length > MessageWriter.MAX_MESSAGE) {
            throw new IllegalArgumentException("netlink request of " + length + " bytes exceeds " + MessageWriter.MAX_MESSAGE);
        }
        MemorySegment.copy(MemorySegment.ofBuffer(message), 0, sendBuffer, 0, length);
        Libc.send(fd, sendBuffer, length);
    }

    @Override
    public ByteBuffer receive() {
        long n = Libc.recv(fd, receiveBuffer, 0);
        byte[] bytes = receiveBuffer.asSlice(0, n).toArray(JAVA_BYTE);
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
        arena.close();
    }
}
