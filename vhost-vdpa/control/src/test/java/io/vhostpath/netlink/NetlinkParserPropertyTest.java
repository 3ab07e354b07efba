package io.vhostpath.netlink;

import io.vhostpath.vdpa.VdpaClient;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property: whatever bytes come back, parsing ends quickly with a result or a typed error ({@link
 * NetlinkFormatException}, {@link NetlinkException}); never another exception, never a hang. Inputs are the
 * real kernel's replies (fixtures), truncated, extended, with lengths and bytes corrupted; seeded, so a
 * failure reproduces.
 */
class NetlinkParserPropertyTest {
    private static final List<String> FIXTURES = List.of("mgmtdev-dump", "dev-add-get-config-del",
            "dev-add-unsupported-attr", "dev-del-missing");

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b;
        switch (r.nextInt(5)) {
            case 0 -> b = java.util.Arrays.copyOf(in, r.nextInt(in.length + 1));            // truncated
            case 1 -> {                                                                        // extended with junk
                b = java.util.Arrays.copyOf(in, in.length + 1 + r.nextInt(64));
                for (int i = in.length; i < b.length; i++) b[i] = (byte) r.nextInt();
            }
            case 2 -> {                                                                        // a length field lies
                b = in.clone();
                int at = r.nextBoolean() ? 0 : Math.min(b.length - 2, 20 + 4 * r.nextInt(Math.max(1, (b.length - 20) / 4)));
                if (at >= 0 && at + 2 <= b.length) {
                    ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putShort(at, (short) r.nextInt(0x10000));
                }
            }
            case 3 -> {                                                                        // random bytes flipped
                b = in.clone();
                for (int i = 0, n = 1 + r.nextInt(8); i < n && b.length > 0; i++) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            }
            default -> {                                                                       // pure noise
                b = new byte[r.nextInt(200)];
                r.nextBytes(b);
            }
        }
        return b;
    }

    @Test
    void mutated_kernel_replies_give_a_result_or_a_typed_error_and_never_hang() {
        var r = new Random(20261128);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String fixture : FIXTURES) {
                for (byte[] reply : ReplayTransport.datagrams(fixture, '<')) {
                    for (int i = 0; i < 2000; i++) {
                        byte[] m = mutate(reply, r);
                        try {
                            for (NetlinkMessage msg : NetlinkMessage.parseAll(ByteBuffer.wrap(m))) {
                                if (msg.payload().remaining() >= Netlink.GENL_HDRLEN) {
                                    Attributes.parse(msg.payload().slice(Netlink.GENL_HDRLEN, msg.payload().remaining() - Netlink.GENL_HDRLEN));
                                }
                            }
                        } catch (NetlinkFormatException expected) {
                            // the typed error
                        } catch (RuntimeException e) {
                            fail("seed input " + HexFormat.of().formatHex(m) + " threw " + e, e);
                        }
                    }
                }
            }
        });
    }

    @Test
    void a_client_fed_mutated_replies_fails_with_typed_errors_only() {
        var r = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3000; i++) {
                // The family lookup replays as recorded, the dump's answer is mutated, then the transport runs dry.
                var lines = new ArrayDeque<>(List.of(
                        "> " + hex(ReplayTransport.datagrams("mgmtdev-dump", '>').get(0)),
                        "< " + hex(ReplayTransport.datagrams("mgmtdev-dump", '<').get(0)),
                        "> " + hex(ReplayTransport.datagrams("mgmtdev-dump", '>').get(1)),
                        "< " + hex(mutate(ReplayTransport.datagrams("mgmtdev-dump", '<').get(1), r))));
                try (var client = new VdpaClient(new ReplayTransport(lines))) {
                    client.mgmtDevices();
                } catch (NetlinkFormatException | NetlinkException expected) {
                    // typed
                } catch (IllegalStateException ranDry) {
                    // the mutation hid the end of the dump: the client asked for more, as it should
                }
            }
        });
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
