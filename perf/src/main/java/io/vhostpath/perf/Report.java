package io.vhostpath.perf;

import io.vhostpath.text.JsonReader;
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
 * written beside it: throughput per scenario with the run-to-run spread, the paired ratios against 1.00, and the
 * frame-size sweep in Mpps and Gbit/s when it was run; plus the machine and the method.
 *
 * <p>Usage: {@code Report [--in perf/target/bench.json] [--out perf/target/report]}
 */
public final class Report {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private Report() {}

    public static void main(String[] args) throws IOException {
        Path in = Path.of("perf/target/bench.json");
        Path out = Path.of("perf/target/report");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--in" -> in = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: Report [--in BENCH_JSON] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (!Files.isReadable(in)) {
            System.err.println("report: no " + in + ": run make bench first (make report does)");
            System.exit(1);
        }
        System.setProperty("java.awt.headless", "true");
        Path page = write(JsonReader.parseObject(Files.readString(in)), out);
        System.out.println("report: " + page + " (charts beside it)");
    }

    /** Writes the charts and the page into {@code dir}; returns the page. */
    static Path write(Map<String, Object> bench, Path dir) throws IOException {
        Files.createDirectories(dir);
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
            for (String side : List.of("a", "b")) {
                double mpps = SideBySide.median(numbers(s.get(side + "_mpps")));
                series.computeIfAbsent(str(s, side), XYSeries::new).add(size, gbps ? mpps * size * 8 / 1e3 : mpps);
            }
        }
        var data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        return ChartFactory.createXYLineChart(gbps ? "Frame size sweep: layer-2 Gbit/s" : "Frame size sweep: Mpps", "frame size (bytes)",
                gbps ? "Gbit/s" : "Mpps", data, PlotOrientation.VERTICAL, true, false, false);
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
