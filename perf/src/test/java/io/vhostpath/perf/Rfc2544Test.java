package io.vhostpath.perf;

import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * make rfc2544 end to end on what runs anywhere: the real tester (the packaged worker) against net_ring, which loops
 * every frame back without loss, so the search must end at the tester's own limit and say so. And bad input.
 */
class Rfc2544Test {
    private static final String JAR = "../vhost-vdpa/worker/target/vhostpath-worker.jar";
    @TempDir Path tmp;

    private Rfc2544.Options options(String... args) {
        var all = new java.util.ArrayList<>(List.of("--noise", "0"));
        all.addAll(List.of(args));
        all.addAll(List.of("--worker-jar", JAR, "--out", tmp.resolve("rfc2544.json").toString()));
        return Rfc2544.Options.parse(all.toArray(String[]::new));
    }

    @Test
    void a_lossless_loopback_is_reported_as_limited_by_the_tester_with_latency_at_each_load() throws Exception {
        assertEquals(0, Rfc2544.run(options("--port", "ring", "--trial", "1", "--warmup", "1", "--drain", "0.2",
                "--loads", "10,90", "--max-trials", "4", "--noise", "0.5")));
        Map<String, Object> result = JsonReader.parseObject(Files.readString(tmp.resolve("rfc2544.json")));
        var noise = (List<?>) result.get("host_noise");
        assertEquals(List.of(0L), noise.stream().map(n -> ((Map<?, ?>) n).get("cpu")).toList(), "the tester's CPU probed: " + noise);
        var size = (Map<?, ?>) ((List<?>) result.get("sizes")).getFirst();
        var trials = (List<?>) size.get("trials");
        var flatOut = (Map<?, ?>) trials.getFirst();
        assertEquals(0L, flatOut.get("offered_pps"), "the first trial runs the generator flat out");
        if (Boolean.TRUE.equals(size.get("generator_limited"))) {
            // net_ring lost nothing at the tester's own top rate: one trial, and the figure is the tester's.
            assertEquals(1, trials.size(), size::toString);
            assertEquals(0L, flatOut.get("lost"), size::toString);
            assertTrue(((String) size.get("throughput_text")).contains("(generator)"), size::toString);
        } else {
            // The tester's TX met a full ring (a descheduled poll on a loaded machine): the search then ran.
            assertTrue(trials.size() > 1, size::toString);
        }
        assertTrue(((Number) size.get("throughput_mpps")).doubleValue() > 0.01, size::toString);
        var loads = (List<?>) size.get("latency");
        assertEquals(2, loads.size(), size::toString);
        for (Object l : loads) {
            var trial = (Map<?, ?>) ((Map<?, ?>) l).get("trial");
            assertTrue(((Number) ((Map<?, ?>) trial.get("latency")).get("count")).longValue() > 0, trial::toString);
            assertTrue(Files.isRegularFile(tmp.resolve("rfc2544-logs").resolve((String) ((Map<?, ?>) l).get("hdr_log"))));
        }
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "testpmd"})
    void jumbo_frames_go_through_each_reflector(String dut) throws Exception {
        // 9000-byte probes: the tester sizes its mbufs for them, the reflector is started for them (the worker's mbufs,
        // testpmd's --mbuf-size and --max-pkt-len). What comes back is the point, not the rate (the machine may be busy).
        assertEquals(0, Rfc2544.run(options("--dut", dut, "--sizes", "9000", "--trial", "1", "--warmup", "0.5", "--drain",
                "0.3", "--max-trials", "2", "--loads", "50")));
        Map<String, Object> result = JsonReader.parseObject(Files.readString(tmp.resolve("rfc2544.json")));
        var size = (Map<?, ?>) ((List<?>) result.get("sizes")).getFirst();
        var flatOut = (Map<?, ?>) ((List<?>) size.get("trials")).getFirst();
        long sent = ((Number) flatOut.get("sent")).longValue();
        long lost = ((Number) flatOut.get("lost")).longValue();
        assertTrue(sent > 0 && lost < sent, "probes came back: " + flatOut);
        assertTrue(((Number) ((Map<?, ?>) flatOut.get("latency")).get("count")).longValue() > 0, flatOut::toString);
        assertNothingLeft();
    }

    @Test
    void a_port_that_cannot_be_opened_is_named_and_nothing_is_left() throws IOException {
        var e = assertThrows(IOException.class, () -> Rfc2544.run(options("--port", "vhost-user:" + tmp.resolve("nobody.sock"))));
        assertTrue(e.getMessage().contains("the worker exited 1") && e.getMessage().contains("nobody serves it"), e::getMessage);
        assertNothingLeft();
    }

    @Test
    void a_port_whose_link_never_comes_up_is_named_not_measured() throws IOException {
        // A vhost-user socket served with nobody connecting: the port opens, and takes no packet.
        var e = assertThrows(IOException.class, () -> Rfc2544.run(options("--port", "vhost-server:" + tmp.resolve("idle.sock"),
                "--trial", "1", "--warmup", "0", "--drain", "0")));
        assertTrue(e.getMessage().contains("the tester's port took none of the") && e.getMessage().contains("is its link up"), e::getMessage);
        assertNothingLeft();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown device      | --dut fpga                        | --dut fpga is not testpmd, java or external",
            "external, no port   | --dut external                    | --dut external needs the tester's --port",
            "port and a reflector| --dut java --port ring            | --port names an external device",
            "frame too small     | --port ring --sizes 40            | --sizes 40 is outside 60..9000",
            "load over 100%      | --port ring --loads 10,120        | --loads 120 is not a percentage",
            "loss ratio of 1     | --port ring --loss 1              | loss ratio 1.0 must be in [0, 1)",
            "not a number        | --port ring --trial soon          | --trial 'soon' is not a number",
            "same CPU twice      | --tester-cpu 1 --dut-cpu 1        | --tester-cpu and --dut-cpu must differ",
    })
    void bad_input_is_a_usage_error_naming_the_option(String name, String args, String message) {
        var e = assertThrows(CommandLine.UsageException.class, () -> options(args.trim().split(" ")));
        assertTrue(e.getMessage().contains(message), e::getMessage);
    }

    private static void assertNothingLeft() throws IOException {
        try (var dirs = Files.list(Path.of("/var/run/dpdk"))) {
            String pid = Long.toString(ProcessHandle.current().pid());
            var ours = dirs.map(p -> p.getFileName().toString()).filter(n -> n.contains("-" + pid)).toList();
            assertFalse(!ours.isEmpty(), "left in /var/run/dpdk: " + ours);
        }
    }
}
