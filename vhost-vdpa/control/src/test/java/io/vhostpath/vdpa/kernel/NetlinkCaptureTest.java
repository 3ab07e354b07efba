package io.vhostpath.vdpa.kernel;

import io.vhostpath.net.MacAddress;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.netlink.NetlinkSocket;
import io.vhostpath.netlink.RecordingTransport;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.VdpaClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Records the real kernel's netlink bytes for the unit tier's fixtures (src/test/resources/netlink): one file per
 * conversation, written to the guest's results share when it exists. Refresh with {@code make kernel-test}, then
 * copy {@code vhost-vdpa/control/target/kernel-reports/netlink/*.hex} over the fixtures.
 */
@Tag("kernel")
class NetlinkCaptureTest {
    private static final Path OUT = Path.of("/run/vp/results/netlink");

    private static VdpaClient recording(String name) throws IOException {
        Files.createDirectories(OUT);
        return new VdpaClient(new RecordingTransport(NetlinkSocket.generic(), Files.newBufferedWriter(OUT.resolve(name + ".hex"))));
    }

    @Test
    void capture() throws IOException {
        try (var c = recording("mgmtdev-dump")) {
            c.mgmtDevices();
        }
        try (var c = recording("dev-add-get-config-del")) {
            c.add(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse("02:11:22:33:44:55")).withMtu(1400));
            c.device("vdpa0");
            c.config("vdpa0");
            c.devices();
            c.delete("vdpa0");
        }
        try (var c = recording("dev-add-unsupported-attr")) {
            assertThrows(NetlinkException.class, () -> c.add(NewDevice.of("vdpa0", "vdpasim_net").withMaxVqPairs(2)));
        }
        try (var c = recording("dev-del-missing")) {
            assertThrows(NetlinkException.class, () -> c.delete("nope0"));
        }
    }
}
