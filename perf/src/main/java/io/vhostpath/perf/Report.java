package io.vhostpath.perf;

import io.vhostpath.text.JsonReader;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.category.MinMaxCategoryRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code make report}: the benchmark JSON ({@code make bench}'s) as a self-contained HTML page with PNG charts, also
 * written beside it: throughput per scenario with the run-to-run spread, the paired ratios against 1.00, the
 * frame-size sweep in Mpps and Gbit/s and the start-up race when they were run; {@code make latency}'s percentile
 * curves (from its HdrHistogram logs) and {@code make rfc2544}'s throughput per frame size when their JSON is there;
 * plus the machine and the method.
 *
 * <p>Usage: {@code Report [--in perf/target/bench.json] [--latency perf/target/latency.json]
 * [--rfc2544 perf/target/rfc2544.json] [--out perf/target/report]}
 */
public final class Report {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private Report() {}

    public static void main(String[] args) throws IOException {
        Path in = Path.of("perf/target/bench.json");
        Path latency = Path.of("perf/target/latency.json");
        Path rfc2544 = Path.of("perf/target/rfc2544.json");
        Path out = Path.of("perf/target/report");
        var paths = new LinkedHashMap<>(Map.of("--in", in, "--latency", latency, "--rfc2544", rfc2544, "--out", out));
        try {
            CommandLine.parse(args, (name, value) -> {
                if (paths.replace(name, Path.of(value)) == null) throw new CommandLine.UsageException("unknown option " + name);
            });
        } catch (CommandLine.UsageException e) {
            System.err.println("usage: Report [--in BENCH_JSON] [--latency LATENCY_JSON] [--rfc2544 RFC2544_JSON] [--out DIR]");
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
        }
        in = paths.get("--in");
        latency = paths.get("--latency");
        rfc2544 = paths.get("--rfc2544");
        out = paths.get("--out");
        if (!Files.isReadable(in)) {
            System.err.println("report: no " + in + ": run make bench first (make report does)");
            System.exit(1);
        }
        System.setProperty("java.awt.headless", "true");
        Path page = write(JsonReader.parseObject(Files.readString(in)), optional(latency), optional(rfc2544), out);
        System.out.println("report: " + page + " (charts beside it)");
    }

    /** A result JSON with the directory it sits in (its logs are named relative to it), or null when there is none. */
    record Source(Map<String, Object> json, Path dir) {}

    private static Source optional(Path file) throws IOException {
        if (!Files.isReadable(file)) return null;
        return new Source(JsonReader.parseObject(Files.readString(file)), file.toAbsolutePath().getParent());
    }

    /** Writes the charts and the page into {@code dir}; returns the page. */
    static Path write(Map<String, Object> bench, Source latency, Source rfc2544, Path dir) throws IOException {
        Files.createDirectories(dir);
        // Charts of an earlier report (a load or a sweep this run did not have) must not sit beside this one.
        try (var old = Files.newDirectoryStream(dir, "*.png")) {
            for (Path png : old) Files.delete(png);
        }
        List<Map<String, Object>> scenarios = maps(bench.get("scenarios"));
        var charts = new LinkedHashMap<String, JFreeChart>();
        List<Map<String, Object>> main = scenarios.stream().filter(s -> !s.containsKey("frame_size")).toList();
        List<Map<String, Object>> sweep = scenarios.stream().filter(s -> s.containsKey("frame_size")).toList();
        if (!main.isEmpty()) {
            charts.put("throughput", throughput(main));
            charts.put("ratios", ratios(scenarios));
        }
        if (!sweep.isEmpty()) {
            charts.put("sweep-mpps", sweep(sweep, false));
            charts.put("sweep-gbps", sweep(sweep, true));
        }
        if (bench.get("startup") instanceof Map<?, ?> startup) {
            charts.put("startup", startup(cast(startup)));
            if (startup.get("steps_median_ms") instanceof Map<?, ?> steps && !steps.isEmpty()) {
                charts.put("startup-steps", startupSteps(cast(startup)));
            }
        }
        if (latency != null) {
            for (var load : maps(latency.json().get("loads"))) {
                charts.put("latency-" + str(load, "load").replace("%", "pct"), percentiles(load, latency.dir()
                        .resolve(str(latency.json(), "hdr_log_dir"))));
            }
        }
        if (rfc2544 != null) charts.put("rfc2544", rfc2544(rfc2544.json()));
        var html = new StringBuilder("""
                <!doctype html>
                <html><head><meta charset="utf-8"><title>vhostpath benchmark report</title>
                <style>body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse}
                td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style>
                </head><body>
                <h1>vhostpath benchmark report</h1>
                """);
        html.append("<h2>Machine</h2><table>");
        maps(List.of(bench.get("machine"))).getFirst().forEach((k, v) -> html.append("<tr><td>").append(esc(k)).append("</td><td>")
                .append(esc(String.valueOf(v))).append("</td></tr>"));
        if (bench.get("cache_line_round_trip_ns") instanceof Number rt) {
            html.append(String.format(Locale.ROOT, "<tr><td>cache line round trip CPU 0 &lt;-&gt; 1</td><td>%.0f ns</td></tr>", rt.doubleValue()));
        }
        html.append("</table>");
        html.append(String.format(Locale.ROOT, "<h2>Method</h2><p>%s rounds per contender, alternating; %s s warm-up, %s s measured per"
                        + " round; each pair of adjacent rounds gives a rate ratio and a CPU cost ratio (the forwarding thread's own"
                        + " CPU time per packet); a difference counts as resolved only when the spread of the pairs lies on one side"
                        + " of 1.00.</p>", bench.get("rounds"), bench.get("warmup_seconds"), bench.get("window_seconds")));
        html.append("<h2>Results</h2><table><tr><th>scenario</th><th>a</th><th>b</th><th>a Mpps</th><th>b Mpps</th>"
                + "<th>rate a/b</th><th>spread</th><th>verdict</th></tr>");
        for (var s : scenarios) {
            var spread = numbers(s.get("rate_ratio_spread"));
            html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%.3f</td><td>%.3f</td><td>%.3f</td>"
                            + "<td>%.3f-%.3f</td><td>%s</td></tr>", esc(str(s, "name")), esc(str(s, "a")), esc(str(s, "b")),
                    SideBySide.median(numbers(s.get("a_mpps"))), SideBySide.median(numbers(s.get("b_mpps"))),
                    num(s.get("rate_ratio_median")), spread.get(0), spread.get(1),
                    Boolean.TRUE.equals(s.get("rate_resolved")) ? "resolved" : "no difference resolved"));
        }
        html.append("</table>");
        if (latency != null) html.append(latencyTable(latency.json())).append(hostNoise(latency.json()));
        if (rfc2544 != null) html.append(hostNoise(rfc2544.json()));
        for (var e : charts.entrySet()) {
            Path png = dir.resolve(e.getKey() + ".png");
            ChartUtils.saveChartAsPNG(png.toFile(), e.getValue(), WIDTH, HEIGHT);
            var bytes = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(bytes, e.getValue(), WIDTH, HEIGHT);
            html.append("<h2>").append(esc(e.getValue().getTitle().getText())).append("</h2><img alt=\"").append(e.getKey())
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(bytes.toByteArray())).append("\">");
        }
        html.append("</body></html>\n");
        Path page = dir.resolve("index.html");
        Files.writeString(page, html);
        return page;
    }

    /** Median Mpps of each contender per scenario, the error bar half the range of its rounds. */
    private static JFreeChart throughput(List<Map<String, Object>> scenarios) {
        var data = new DefaultStatisticalCategoryDataset();
        for (var s : scenarios) {
            for (String side : List.of("a", "b")) {
                List<Double> mpps = numbers(s.get(side + "_mpps"));
                double range = mpps.stream().mapToDouble(Double::doubleValue).max().orElse(0) - mpps.stream().mapToDouble(Double::doubleValue).min().orElse(0);
                data.add(SideBySide.median(mpps), range / 2, str(s, side), str(s, "name"));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("Throughput per scenario (median of rounds, bars: half the range)", "scenario",
                "Mpps", data, PlotOrientation.VERTICAL, true, false, false);
        ((CategoryPlot) chart.getPlot()).setRenderer(new StatisticalBarRenderer());
        slanted(chart);
        return chart;
    }

    /** The paired rate ratio of each scenario: its median and the ends of its spread on one line, and the 1.00 line. */
    private static JFreeChart ratios(List<Map<String, Object>> scenarios) {
        var data = new DefaultCategoryDataset();
        for (var s : scenarios) {
            var spread = numbers(s.get("rate_ratio_spread"));
            data.addValue(spread.get(0), "spread low", str(s, "name"));
            data.addValue(num(s.get("rate_ratio_median")), "median", str(s, "name"));
            data.addValue(spread.get(1), "spread high", str(s, "name"));
        }
        JFreeChart chart = ChartFactory.createLineChart("Paired rate ratio a/b per scenario (median and spread)", "scenario",
                "ratio a/b", data, PlotOrientation.VERTICAL, true, false, false);
        var plot = (CategoryPlot) chart.getPlot();
        plot.setRenderer(new MinMaxCategoryRenderer());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        plot.addRangeMarker(new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1.5f)));
        slanted(chart);
        return chart;
    }

    /** Scenario names at 45 degrees: a dozen of them side by side would be cut short. */
    private static void slanted(JFreeChart chart) {
        ((CategoryPlot) chart.getPlot()).getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }

    /** Frame size against Mpps (or layer-2 Gbit/s) for each contender. */
    private static JFreeChart sweep(List<Map<String, Object>> scenarios, boolean gbps) {
        var series = new LinkedHashMap<String, XYSeries>();
        for (var s : scenarios) {
            int size = (int) num(s.get("frame_size"));
            // One line per contender and kind of port: the net_null sweep (size-N) and the vhost-user one (vhost-size-N).
            String ports = str(s, "name").startsWith("vhost-") ? " (vhost-user)" : " (net_null)";
            for (String side : List.of("a", "b")) {
                double mpps = SideBySide.median(numbers(s.get(side + "_mpps")));
                series.computeIfAbsent(str(s, side) + ports, XYSeries::new).add(size, gbps ? mpps * size * 8 / 1e3 : mpps);
            }
        }
        var data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        return ChartFactory.createXYLineChart(gbps ? "Frame size sweep: layer-2 Gbit/s" : "Frame size sweep: Mpps", "frame size (bytes)",
                gbps ? "Gbit/s" : "Mpps", data, PlotOrientation.VERTICAL, true, false, false);
    }

    /** Launch to first packet forwarded: the median of each contender, the error bar half the range of its rounds. */
    private static JFreeChart startup(Map<String, Object> startup) {
        var data = new DefaultStatisticalCategoryDataset();
        for (var e : cast(startup.get("milliseconds")).entrySet()) {
            List<Double> ms = numbers(e.getValue());
            double range = ms.stream().mapToDouble(Double::doubleValue).max().orElse(0) - ms.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            data.add(SideBySide.median(ms), range / 2, "start-up", e.getKey());
        }
        JFreeChart chart = ChartFactory.createBarChart("Start-up: process launch to first packet forwarded (median, bars: half the range)",
                "contender", "milliseconds", data, PlotOrientation.VERTICAL, false, false, false);
        ((CategoryPlot) chart.getPlot()).setRenderer(new StatisticalBarRenderer());
        return chart;
    }

    /** Where each worker's launch went (the medians of its steps, one after the other), beside testpmd's whole launch. */
    private static JFreeChart startupSteps(Map<String, Object> startup) {
        var labels = new LinkedHashMap<String, String>();
        labels.put("main", "JVM to main");
        labels.put("dpdk_loaded", "DPDK loaded");
        labels.put("eal_ready", "EAL");
        labels.put("ports_started", "ports");
        labels.put("polling", "polling thread");
        var data = new DefaultCategoryDataset();
        Map<String, Object> firstPacket = cast(startup.get("median_ms"));
        Map<String, Object> steps = cast(startup.get("steps_median_ms"));
        for (String contender : firstPacket.keySet()) {
            double end = num(firstPacket.get(contender));
            if (!(steps.get(contender) instanceof Map<?, ?> reached)) {
                data.addValue(end, "launch to first packet", contender);
                continue;
            }
            double previous = 0;
            for (var step : labels.entrySet()) {
                if (!(reached.get(step.getKey()) instanceof Number at)) continue;
                data.addValue(Math.max(0, at.doubleValue() - previous), step.getValue(), contender);
                previous = at.doubleValue();
            }
            data.addValue(Math.max(0, end - previous), "first packet back", contender);
        }
        return ChartFactory.createStackedBarChart("Start-up: where each launch goes (medians, ms from launch)", "contender",
                "milliseconds", data, PlotOrientation.HORIZONTAL, true, false, false);
    }

    /**
     * The round-trip percentile curve of each device at one load, from the HdrHistogram logs of its trials merged:
     * x is the number of nines (1 = p90, 2 = p99, 3 = p99.9), y microseconds.
     */
    private static JFreeChart percentiles(Map<String, Object> load, Path logs) throws IOException {
        var data = new XYSeriesCollection();
        for (String device : List.of("testpmd", "java")) {
            var merged = new Histogram(3);
            for (Object name : (List<?>) cast(load.get(device)).get("hdr_logs")) {
                var reader = new HistogramLogReader(logs.resolve(String.valueOf(name)).toFile());
                for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) merged.add((Histogram) h);
            }
            var series = new XYSeries(device);
            for (HistogramIterationValue v : merged.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100;
                if (p >= 1) break;
                series.add(-Math.log10(1 - p), v.getValueIteratedTo() / 1e3);
            }
            if (merged.getTotalCount() > 0) series.add(-Math.log10(1.0 / merged.getTotalCount()), merged.getMaxValue() / 1e3);
            data.addSeries(series);
        }
        return ChartFactory.createXYLineChart(String.format(Locale.ROOT, "Round trip at %s (%.3f Mpps): percentiles", str(load, "load"),
                num(load.get("offered_pps")) / 1e6), "nines (1 = p90, 2 = p99, 3 = p99.9; the last point is the max)",
                "microseconds", data, PlotOrientation.VERTICAL, true, false, false);
    }

    /** Zero-loss throughput per frame size (Mpps), as RFC 2544's search found it. */
    private static JFreeChart rfc2544(Map<String, Object> result) {
        var data = new DefaultCategoryDataset();
        for (var size : maps(result.get("sizes"))) {
            data.addValue(num(size.get("throughput_mpps")), str(result, "dut"), str(size, "frame_size"));
        }
        return ChartFactory.createBarChart("RFC 2544 zero-loss throughput per frame size (" + str(result, "dut") + ")",
                "frame size (bytes)", "Mpps", data, PlotOrientation.VERTICAL, false, false, false);
    }

    private static String latencyTable(Map<String, Object> latency) {
        var html = new StringBuilder("<h2>Latency: testpmd against Java as the device</h2><table><tr><th>load</th><th>Mpps</th>"
                + "<th>device</th><th>p50 us</th><th>p99 us</th><th>p99.9 us</th><th>max us</th><th>lost</th><th>p99.9 java/testpmd</th></tr>");
        for (var load : maps(latency.get("loads"))) {
            for (String device : List.of("testpmd", "java")) {
                var f = cast(load.get(device));
                html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%s</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>"
                                + "<td>%.1f</td><td>%d</td><td>%s</td></tr>", esc(str(load, "load")), num(load.get("offered_pps")) / 1e6,
                        device, num(f.get("p50_ns")) / 1e3, num(f.get("p99_ns")) / 1e3, num(f.get("p99_9_ns")) / 1e3,
                        num(f.get("max_ns")) / 1e3, (long) num(f.get("lost")), device.equals("java") ? esc(str(load, "verdict")) : ""));
            }
        }
        return html.append("</table>").toString();
    }

    /** What the host took from the CPUs of those trials, when the run measured it. */
    private static String hostNoise(Map<String, Object> result) {
        if (!(result.get("host_noise") instanceof List<?> noise) || noise.isEmpty()) return "";
        var html = new StringBuilder("<p>Host noise, a pinned spinner before the trials: ");
        html.append(String.join("; ", maps(noise).stream().map(n -> esc(HostNoise.of(n).describe())).toList()));
        return html.append(". A round trip or a loss these stalls explain is the host's, not the device's.</p>").toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        var out = new ArrayList<Map<String, Object>>();
        for (Object x : (List<?>) o) out.add((Map<String, Object>) x);
        return out;
    }

    private static List<Double> numbers(Object o) {
        return ((List<?>) o).stream().map(Report::num).toList();
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static String str(Map<String, Object> m, String key) {
        return String.valueOf(m.get(key));
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
