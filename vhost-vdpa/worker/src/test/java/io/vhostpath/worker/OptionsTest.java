package io.vhostpath.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's command line as users and scripts write it, on the worker's own option table. */
class OptionsTest {
    private static Options.Parsed parse(String... args) {
        return WorkerMain.OPTIONS.parse(args);
    }

    @Test
    void every_way_of_giving_a_value_means_the_same() {
        for (String[] args : new String[][] {
                {"--port", "ring", "--mode", "latency"}, {"--port=ring", "--mode=latency"}, {"-p", "ring", "-m", "latency"},
                {"-pring", "-mlatency"}, {"-p=ring", "-m=latency"}}) {
            var o = parse(args);
            assertEquals(List.of("ring"), o.all("port"), String.join(" ", args));
            assertEquals("latency", o.one("mode"), String.join(" ", args));
        }
    }

    @Test
    void repeatable_options_collect_and_split_and_single_ones_keep_the_last() {
        var o = parse("--port", "null", "-p", "ring", "--cpus", "0,1", "--cpus", "3", "--eal", "--no-huge -m 512",
                "--mode", "io", "--mode", "macswap", "--pipeline");
        assertEquals(List.of("null", "ring"), o.all("port"));
        assertEquals(List.of(0, 1, 3), o.integers("cpus"));
        assertEquals(List.of("--no-huge", "-m", "512"), o.all("eal"), "a value may start with a dash");
        assertEquals("macswap", o.one("mode"));
        assertTrue(o.has("pipeline"));
    }

    @Test
    void defaults_fill_what_was_not_given_and_options_without_one_stay_absent() {
        var o = parse("--port", "null");
        assertEquals(1, o.integer("queues"));
        assertEquals("10s", o.one("duration"));
        assertEquals("127.0.0.1:9464", o.one("http"));
        assertFalse(o.has("pipeline"));
        assertEquals(null, o.one("summary-json"));
        assertEquals(List.of(), o.integers("cpus"));
    }

    @Test
    void help_and_version_need_no_port() {
        assertTrue(parse("--help").help());
        assertTrue(parse("-h").help());
        assertTrue(parse("-V").version());
        assertTrue(parse("--version").version());
        String usage = WorkerMain.OPTIONS.usage();
        assertTrue(usage.startsWith("Usage: vhostpath-worker [-hV] [OPTION]... --port=SPEC [--port=SPEC]..."), usage);
        assertTrue(usage.contains("  -q, --queues=N ") && usage.contains("(default: 1)") && usage.contains("Exit codes:"), usage);
        for (String line : usage.split("\n")) assertTrue(line.length() <= 110, () -> "too long: " + line);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no port                | --mode io                 | Missing required option: '--port=SPEC'",
            "unknown long option    | --port null --warp 9      | Unknown option: '--warp'",
            "unknown short option   | -p null -z                | Unknown option: '-z'",
            "value missing at end   | --port null --mode        | Missing required parameter for option '--mode' (MODE)",
            "a flag with a value    | --port null --pipeline=1  | option '--pipeline' takes no value: '--pipeline=1'",
            "a stray word           | --port null macswap       | Unmatched argument at index 2: 'macswap'",
    })
    void what_the_command_line_gets_wrong_is_named(String name, String args, String message) {
        var e = assertThrows(Options.UsageError.class, () -> parse(args.trim().split(" ")));
        assertEquals(message, e.getMessage());
    }

    @Test
    void numbers_are_checked_when_read_and_named() {
        var e = assertThrows(Options.UsageError.class, () -> parse("--port", "null", "--queues", "two").integer("queues"));
        assertEquals("Invalid value for option '--queues': 'two' is not an int", e.getMessage());
        assertThrows(Options.UsageError.class, () -> parse("--port", "null", "--cpus", "0,x").integers("cpus"));
        assertThrows(Options.UsageError.class, () -> parse("--port", "null", "--rate", "1e6").number("rate"));
    }
}
