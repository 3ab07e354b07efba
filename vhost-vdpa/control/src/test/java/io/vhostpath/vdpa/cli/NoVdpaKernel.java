package io.vhostpath.vdpa.cli;

import io.vhostpath.netlink.Netlink;
import io.vhostpath.netlink.NetlinkMessage;
import io.vhostpath.netlink.NetlinkTransport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A netlink peer that answers every request as a kernel without the vdpa module does: {@code NLMSG_ERROR} with
 * ENOENT for the family lookup. It lets CLI tests run vdpactl's whole argument handling on any machine without
 * reaching a real kernel's vDPA devices (which a random {@code dev del} must never touch).
 */
final class NoVdpaKernel implements NetlinkTransport {
    private static final int ENOENT = 2;
    private int sequence;

    @Override
    public void send(ByteBuffer message) {
        sequence = NetlinkMessage.parseAll(message).getFirst().sequence();
    }

    @Override
    public ByteBuffer receive() {
        var b = ByteBuffer.allocate(Netlink.NLMSG_HDRLEN + 4 + Netlink.NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
        b.putInt(b.capacity()).putShort((short) Netlink.NLMSG_ERROR).putShort((short) Netlink.NLM_F_CAPPED)
                .putInt(sequence).putInt(0).putInt(-ENOENT);
        return b.rewind();
    }

    @Override
    public void close() {
    }
}
