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
        return new VdpaCtl(new PrintStream(out, true), new PrintStream(err, true), new VdpaSysfs(Path.of("/nonexistent"), Path.of("/nonexistent")),
                NoVdpaKernel::new)
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
    void every_usage_error_is_one_line_and_names_the_value() {
        String[][] cases = {
                {"dev add name ../x mgmtdev vdpasim_net", "device name '../x'"},
                {"dev add name aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa mgmtdev vdpasim_net", "device name 'aaaa"},
                {"dev add name vdpa0 mgmtdev vdpasim_net mtu -1", "mtu -1 is out of range 68..65535"},
                {"dev add name vdpa0 mgmtdev vdpasim_net mtu 70000", "mtu 70000 is out of range"},
                {"dev add name vdpa0 mgmtdev vdpasim_net max_vqp 0", "max_vqp 0 is out of range"},
                {"dev add name vdpa0 mgmtdev vdpasim_net mac 02:00:00:00:00:01 mac 02:00:00:00:00:02", "'mac' given twice"},
                {"dev del ..", "device name '..'"},
                {"dev show a/b", "device name 'a/b'"},
                {"dev set . mac 02:00:00:00:00:01", "device name '.'"},
                {"dev bind ../../etc driver vhost_vdpa", "device name '../../etc'"},
                {"dev unbind a/b", "device name 'a/b'"},
                {"dev inspect ../x", "device name '../x'"},
                {"dev vstats show a/b qidx 0", "device name 'a/b'"},
                {"dev vstats show vdpa0 qidx -1", "qidx -1 is out of range"},
                {"dev config show ..", "device name '..'"},
                {"mgmtdev show ../x", "mgmtdev '../x'"},
                {"dev provision name vdpa0 mgmtdev vdpasim_net driver vfio", "unknown vdpa driver 'vfio'"},
                {"--record", "missing FILE after --record"},
                {"--bogus dev show", "unknown option '--bogus'"},
        };
        for (String[] c : cases) {
            err.reset();
            assertEquals(2, run(c[0].split(" ")), c[0] + ": " + err);
            String e = err.toString();
            assertTrue(e.startsWith("vdpactl: ") && e.contains(c[1]), c[0] + ": " + e);
            assertEquals(1, e.lines().count(), c[0] + ": " + e);
        }
    }

    @Test
    void a_record_file_that_cannot_be_written_is_named() {
        assertEquals(2, run("--record", "/nonexistent-dir/x", "dev", "show"));
        assertTrue(err.toString().contains("cannot write --record file /nonexistent-dir/x: NoSuchFileException"), err::toString);
    }

    @Test
    void without_the_vdpa_module_the_kernel_answer_is_one_line_and_exit_1() {
        assertEquals(1, run("dev", "show"));
        assertTrue(err.toString().startsWith("vdpactl: resolve genl family vdpa (not registered"), err::toString);
        assertEquals(1, err.toString().lines().count(), err::toString);
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
