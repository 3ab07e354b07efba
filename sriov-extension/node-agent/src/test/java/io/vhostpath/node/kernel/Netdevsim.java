package io.vhostpath.node.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * netdevsim devices for the guest tier: a simulated SR-IOV PF with devlink (eswitch, VF ports and representors),
 * made fresh for each test by id (ids keep tests apart), and its uplink netdev.
 */
public final class Netdevsim {
    private static final Path BUS = Path.of("/sys/bus/netdevsim");

    private Netdevsim() {}

    /** Creates {@code netdevsim<id>} with one port (replacing one a crashed run left), and returns the port's netdev. */
    public static String fresh(int id) throws IOException {
        remove(id);
        Files.writeString(BUS.resolve("new_device"), id + " 1");
        try (Stream<Path> s = Files.list(Path.of("/sys/devices/netdevsim" + id + "/net"))) {
            return s.map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow();
        }
    }

    public static void remove(int id) throws IOException {
        if (Files.exists(BUS.resolve("devices/netdevsim" + id))) Files.writeString(BUS.resolve("del_device"), Integer.toString(id));
    }

    /** The device's {@code sriov_numvfs} file. */
    public static Path numVfs(int id) {
        return BUS.resolve("devices/netdevsim" + id + "/sriov_numvfs");
    }
}
