package io.vhostpath.vdpa.cli;

import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What vdpactl says before it asks the kernel anything: usage, bad values. */
class VdpaCtlUsageTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return new VdpaCtl(new PrintStream(out, true), new PrintStream(err, true), new VdpaSysfs(Path.of("/nonexistent"), Path.of("/nonexistent")))
                .run(args);
    }

    @Test
    void help_lists_every_verb() {
        assertEquals(0, run("--help"));
        for (String verb : new String[] {"mgmtdev show", "dev add name NAME mgmtdev MGMTDEV", "dev vstats show DEV qidx N",
                "dev bind DEV driver vhost_vdpa|virtio_vdpa", "dev inspect DEV"}) {
            assertTrue(out.toString().contains(verb), verb);
        }
    }

    @Test
    void usage_errors_exit_2_and_say_what_is_wrong() {
        assertEquals(2, run("dev"));
        assertTrue(err.toString().startsWith("vdpactl: missing COMMAND"), err::toString);
        err.reset();
        assertEquals(2, run("dev", "add", "name", "vdpa0", "mgmtdev", "vdpasim_net", "mac", "zz"));
        assertTrue(err.toString().startsWith("vdpactl: mac 'zz' is not six colon-separated hex bytes"), err::toString);
        err.reset();
        assertEquals(2, run("dev", "add", "name", "vdpa0", "colour", "red"));
        assertTrue(err.toString().startsWith("vdpactl: unknown argument 'colour'"), err::toString);
        err.reset();
        assertEquals(2, run("dev", "bind", "vdpa0", "driver", "vfio"));
        assertTrue(err.toString().startsWith("vdpactl: unknown vdpa driver 'vfio'"), err::toString);
    }

    @Test
    void sysfs_failures_exit_1_naming_the_device() {
        assertEquals(1, run("dev", "inspect", "vdpa0"));
        assertTrue(err.toString().startsWith("vdpactl: vdpa device vdpa0 not found"), err::toString);
    }

    @Test
    void feature_bits_are_named_as_iproute2_names_them() {
        assertEquals(java.util.List.of("MTU", "MAC", "STATUS", "CTRL_VQ", "CTRL_MAC_ADDR", "ANY_LAYOUT", "VERSION_1",
                "ACCESS_PLATFORM"), Features.names((1L << 3) | (1L << 5) | (1L << 16) | (1L << 17) | (1L << 23) | (1L << 27)
                | (1L << 32) | (1L << 33)));
    }
}
