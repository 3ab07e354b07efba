package io.vhostpath.netlink;

import java.nio.ByteBuffer;

/** Where netlink datagrams go and come from: a kernel socket, or recorded bytes in tests. */
public interface NetlinkTransport extends AutoCloseable {
    void send(ByteBuffer message);

    /** The next datagram from the kernel (blocking). */
    ByteBuffer receive();

    @Override
    void close();
}
