package io.vhostpath.netlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Passes datagrams through to another transport and writes each one as a line: {@code > hex} for what was
 * sent, {@code < hex} for what came back. Recordings of a real kernel become test fixtures ({@code vdpactl
 * --record FILE}); {@code ReplayTransport} in the tests plays them back.
 */
public final class RecordingTransport implements NetlinkTransport {
    private static final HexFormat HEX = HexFormat.of();
    private final NetlinkTransport inner;
    private final Writer out;

    public RecordingTransport(NetlinkTransport inner, Writer out) {
        this.inner = inner;
        this.out = out;
    }

    private void line(char direction, ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        try {
            out.write(direction + " " + HEX.formatHex(bytes) + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void send(ByteBuffer message) {
        line('>', message);
        inner.send(message);
    }

    @Override
    public ByteBuffer receive() {
        ByteBuffer b = inner.receive();
        line('<', b);
        return b;
    }

    @Override
    public void close() {
        inner.close();
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
