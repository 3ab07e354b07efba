package io.vhostpath.perf;

import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** make report's page and charts from a bench JSON shaped as SideBySide writes it. */
class ReportTest {
    @TempDir Path dir;

    @Test
    void the_page_holds_every_scenario_and_each_chart_is_a_real_png() throws Exception {
        System.setProperty("java.awt.headless", "true");
        String json = new String(Objects.requireNonNull(getClass().getResourceAsStream("/bench-sample.json")).readAllBytes());
        Path page = Report.write(JsonReader.parseObject(json), null, null, dir);
        String html = Files.readString(page);
        for (String s : new String[] {"null-io", "null-macswap", "pipeline", "size-64", "size-1518"}) assertTrue(html.contains("<td>" + s + "</td>"), s);
        assertTrue(html.contains("<td>0.880</td><td>0.826-1.015</td><td>no difference resolved</td>"), "null-io's verdict");
        assertTrue(html.contains("<td>0.902</td><td>0.896-0.928</td><td>resolved</td>"), "null-macswap's verdict");
        assertTrue(html.contains("2 x AMD EPYC"), "the machine");
        for (String chart : new String[] {"throughput", "ratios", "sweep-mpps", "sweep-gbps"}) {
            var image = ImageIO.read(dir.resolve(chart + ".png").toFile());
            assertEquals(900, image.getWidth(), chart);
            assertEquals(420, image.getHeight(), chart);
            assertTrue(html.contains("alt=\"" + chart + "\" src=\"data:image/png;base64,"), chart + " embedded: the page stands alone");
        }
    }

    @Test
    void latency_curves_come_from_the_hdr_logs_and_start_up_and_rfc2544_get_their_charts() throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path logs = Files.createDirectories(dir.resolve("latency-logs"));
        // Two devices' trials as make latency leaves them: one HdrHistogram log per trial, named in the JSON.
        hlog(logs.resolve("trial-1.hlog"), 10_000, 40_000);
        hlog(logs.resolve("trial-2.hlog"), 12_000, 90_000);
        String device = """
                {"p50_ns":%d,"p99_ns":20000,"p99_9_ns":%d,"max_ns":%d,"lost":0,"generator_limited_trials":0,"trials":[],
                 "hdr_logs":["%s"]}""";
        String latency = "{\"hdr_log_dir\":\"latency-logs\",\"loads\":[{\"load\":\"50%\",\"offered_pps\":1000000,\"testpmd\":"
                + device.formatted(10_000, 30_000, 40_000, "trial-1.hlog") + ",\"java\":" + device.formatted(12_000, 33_000, 90_000, "trial-2.hlog")
                + ",\"verdict\":\"1.10; p99.9 testpmd/java 0.909 (0.9-0.95): java behind by 9.1%\"}],\"host_noise\":["
                + "{\"cpu\":1,\"seconds\":5.0,\"longest_ns\":3000000,\"gap_time_ns_by_length_floor\":{\"8192\":100000000,\"2097152\":50000000}}]}";
        String rfc2544 = "{\"dut\":\"testpmd\",\"sizes\":[{\"frame_size\":64,\"throughput_mpps\":3.2},{\"frame_size\":1518,\"throughput_mpps\":1.1}]}";
        String bench = new String(Objects.requireNonNull(getClass().getResourceAsStream("/bench-sample.json")).readAllBytes()).trim();
        bench = bench.substring(0, bench.length() - 1) + ",\"startup\":{\"milliseconds\":{\"testpmd\":[300.0,320.0],\"java-aot\":[900.0,950.0]},"
                + "\"median_ms\":{\"testpmd\":310.0,\"java-aot\":925.0},\"steps_median_ms\":{\"java-aot\":{\"main\":230.0,"
                + "\"dpdk_loaded\":290.0,\"eal_ready\":680.0,\"ports_started\":710.0,\"polling\":750.0}}}}";
        Path stale = Files.createDirectories(dir.resolve("out")).resolve("latency-10pct.png");
        Files.writeString(stale, "a load of an earlier run");
        Path page = Report.write(JsonReader.parseObject(bench), new Report.Source(JsonReader.parseObject(latency), dir),
                new Report.Source(JsonReader.parseObject(rfc2544), dir), dir.resolve("out"));
        String html = Files.readString(page);
        assertTrue(html.contains("<td>50%</td><td>1.000</td><td>java</td><td>12.0</td>"), html);
        assertTrue(html.contains("CPU 1 stalled 3.00% of 5 s (1.000% in stalls &gt;= 1 ms, longest 3.00 ms)"), html);
        assertFalse(Files.exists(stale), "an earlier report's chart is gone");
        for (String chart : new String[] {"startup", "startup-steps", "latency-50pct", "rfc2544"}) {
            assertEquals(900, ImageIO.read(dir.resolve("out").resolve(chart + ".png").toFile()).getWidth(), chart);
            assertTrue(html.contains("alt=\"" + chart + "\""), chart);
        }
    }

    /** A log of one interval: 1000 round trips at {@code typical} ns and one at {@code worst}. */
    private static void hlog(Path file, long typical, long worst) throws Exception {
        var h = new org.HdrHistogram.Histogram(3);
        h.recordValueWithCount(typical, 1000);
        h.recordValue(worst);
        try (var out = new java.io.PrintStream(file.toFile())) {
            var log = new org.HdrHistogram.HistogramLogWriter(out);
            log.outputLogFormatVersion();
            log.outputIntervalHistogram(0, 5, h, 1.0);
        }
    }
}
