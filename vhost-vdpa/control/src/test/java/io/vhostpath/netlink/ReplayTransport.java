package io.vhostpath.netlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;

/**
 * Plays back a {@link RecordingTransport} file: each send must be byte-for-byte the recorded request, each
 * receive returns the kernel's recorded answer. Running out is an error, never a wait.
 */
public final class ReplayTransport implements NetlinkTransport {
    private final Deque<String> lines;

    public ReplayTransport(Deque<String> lines) {
        this.lines = lines;
    }

    public static ReplayTransport of(String fixture) {
        try {
            Path p = Path.of("src/test/resources/netlink", fixture + ".hex");
            return new ReplayTransport(new ArrayDeque<>(Files.readAllLines(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Recorded datagrams in one direction ('<' from the kernel, '>' to it). */
    public static java.util.List<byte[]> datagrams(String fixture, char direction) {
        return of(fixture).lines.stream().filter(l -> l.charAt(0) == direction)
                .map(l -> HexFormat.of().parseHex(l.substring(2))).toList();
    }

    @Override
    public void send(ByteBuffer message) {
        String line = lines.pollFirst();
        if (line == null || line.charAt(0) != '>') throw new IllegalStateException("unexpected send; next recorded: " + line);
        byte[] sent = new byte[message.remaining()];
        message.duplicate().get(sent);
        byte[] recorded = HexFormat.of().parseHex(line.substring(2));
        if (!Arrays.equals(sent, recorded)) {
            throw new AssertionError("request differs from the recording:\n sent     " + HexFormat.of().formatHex(sent)
                    + "\n recorded " + line.substring(2));
        }
    }

    @Override
    public ByteBuffer receive() {
        String line = lines.pollFirst();
        if (line == null || line.charAt(0) != '<') throw new IllegalStateException("no recorded reply left; next: " + line);
        return ByteBuffer.wrap(HexFormat.of().parseHex(line.substring(2))).order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
    }
}
