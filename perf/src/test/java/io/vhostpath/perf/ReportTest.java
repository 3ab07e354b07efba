package io.vhostpath.perf;

import io.vhostpath.text.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
