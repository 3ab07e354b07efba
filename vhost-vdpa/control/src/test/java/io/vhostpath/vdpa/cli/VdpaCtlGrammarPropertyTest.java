package io.vhostpath.vdpa.cli;

import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * vdpactl driven by random token sequences drawn from its own grammar (valid and broken names, numbers, MACs,
 * drivers, keys, verbs), against a kernel without the vdpa module and an empty sysfs: every run ends in exit
 * 0, 1 or 2, never an uncaught exception, with nothing on stderr for 0 and one line for 1 and 2.
 */
class VdpaCtlGrammarPropertyTest {
    private static final int RUNS = Integer.getInteger("vhostpath.vdpactl.runs", 10_000);
    private static final long SEED = Long.getLong("vhostpath.vdpactl.seed", System.nanoTime());

    private static final String[] OPTIONS = {"--json", "-j", "-h", "--help", "--bogus", "-"};
    private static final String[] OBJECTS = {"mgmtdev", "dev", "", "link"};
    private static final String[] COMMANDS = {"show", "add", "del", "set", "config", "vstats", "bind", "unbind", "inspect",
            "provision", "release", "frob", ""};
    private static final String[] KEYS = {"name", "mgmtdev", "mac", "mtu", "max_vqp", "driver", "qidx", "colour", "show"};
    private static final String[] VALUES = {"vdpa0", "../x", ".", "..", "a/b", "a".repeat(40), "", " ", "vdpa 0",
            "vdpasim_net", "pci/0000:65:00.2", "pci/../x", "a/b/c", "02:00:00:00:00:01", "zz", "02:00", "0", "-1", "68",
            "1400", "70000", "65536", "99999999999999999999", "abc", "1e3", "vhost_vdpa", "virtio_vdpa", "vfio"};

    @Test
    void random_command_lines_end_in_0_1_or_2_and_never_in_an_uncaught_exception() {
        var random = new Random(SEED);
        var byExit = new TreeMap<Integer, Integer>();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var sysfs = new VdpaSysfs(Path.of("/nonexistent/sys"), Path.of("/nonexistent/dev"));
        for (int i = 0; i < RUNS; i++) {
            String[] argv = commandLine(random);
            out.reset();
            err.reset();
            int rc;
            try {
                rc = new VdpaCtl(new PrintStream(out, true), new PrintStream(err, true), sysfs, NoVdpaKernel::new).run(argv);
            } catch (Throwable t) {
                throw new AssertionError("seed " + SEED + ", run " + i + ": " + List.of(argv) + " threw", t);
            }
            String what = "seed " + SEED + ", run " + i + ": " + List.of(argv) + " -> " + rc + ": " + err;
            if (rc < 0 || rc > 2) fail(what);
            if (rc == 0) assertEquals("", err.toString(), what);
            else assertEquals(1, err.toString().lines().count(), what);
            assertTrue(rc != 2 || err.toString().startsWith("vdpactl: "), what);
            byExit.merge(rc, 1, Integer::sum);
        }
        System.out.printf("vdpactl grammar: %d command lines (seed %d), by exit code %s%n", RUNS, SEED, byExit);
        assertTrue(byExit.getOrDefault(1, 0) > 0 && byExit.getOrDefault(2, 0) > 0, "both refusal kinds were reached: " + byExit);
    }

    private static String[] commandLine(Random r) {
        var argv = new ArrayList<String>();
        if (r.nextInt(10) == 0) {
            // Anything at all, in any order.
            for (int n = r.nextInt(8); n > 0; n--) argv.add(any(r));
            return argv.toArray(String[]::new);
        }
        for (int n = r.nextInt(4) == 0 ? 1 : 0; n > 0; n--) argv.add(pick(r, OPTIONS));
        if (r.nextInt(20) == 0) argv.addAll(List.of("--record", "/nonexistent-dir/record.hex"));
        argv.add(pick(r, OBJECTS));
        if (r.nextInt(15) != 0) argv.add(pick(r, COMMANDS));
        if (r.nextBoolean()) argv.add(r.nextBoolean() ? pick(r, VALUES) : "show");
        for (int n = r.nextInt(5); n > 0; n--) {
            argv.add(pick(r, KEYS));
            if (r.nextInt(8) != 0) argv.add(pick(r, VALUES));
        }
        return argv.toArray(String[]::new);
    }

    private static String any(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> pick(r, OPTIONS);
            case 1 -> pick(r, OBJECTS);
            case 2 -> pick(r, COMMANDS);
            case 3 -> pick(r, KEYS);
            default -> pick(r, VALUES);
        };
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
