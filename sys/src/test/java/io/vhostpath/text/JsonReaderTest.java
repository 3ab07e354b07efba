package io.vhostpath.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonReaderTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void reads_what_jackson_reads_on_generated_documents() throws Exception {
        var random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            Object doc = randomValue(random, 0);
            String text = JACKSON.writeValueAsString(doc);
            assertEquals(JACKSON.readValue(text, Object.class), normalise(JsonReader.parse(text)), text);
        }
    }

    @Test
    void round_trips_the_projects_own_writer() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("name", "vp \"net\"\n\u0001");
        doc.put("mtu", 9000L);
        doc.put("list", List.of(true, false, "x"));
        doc.put("none", null);
        assertEquals(doc, JsonReader.parse(Json.write(doc)));
        assertEquals(doc, JsonReader.parse(Json.writeIndented(doc)));
        assertEquals("{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [1, 2]\n  },\n  \"e\": {}\n}",
                Json.writeIndented(new java.util.TreeMap<>(Map.of("a", 1, "b", Map.of("c", List.of(1, 2)), "e", Map.of()))));
    }

    @Test
    void decodes_escapes_numbers_and_keeps_the_last_of_a_repeated_key() {
        assertEquals("a/\u00e9\ud83d\ude00\t", JsonReader.parse("\"a\\/\\u00e9\\ud83d\\ude00\\t\""));
        assertEquals(-12L, JsonReader.parse(" -12 "));
        assertEquals(1.5e3, JsonReader.parse("1.5e3"));
        assertEquals(1e19, JsonReader.parse("10000000000000000000"));
        assertEquals(Map.of("k", 2L), JsonReader.parse("{\"k\":1,\"k\":2}"));
    }

    @Test
    void refuses_malformed_text_with_the_offset_where_it_went_wrong() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"\\x\"",
                "\"a\nb\"", "{} {}", "[1 2]", "{1:2}", "\"\\u12\"", "nul")) {
            var e = assertThrows(JsonFormatException.class, () -> JsonReader.parse(bad), bad);
            assertTrue(e.offset() >= 0 && e.offset() <= bad.length(), e.getMessage());
        }
        var e = assertThrows(JsonFormatException.class, () -> JsonReader.parse("{\"a\": [1, 2 }"));
        assertEquals("expected ',' or ']' in an array, found '}' at offset 12", e.getMessage());
        assertThrows(JsonFormatException.class, () -> JsonReader.parseObject("[1]"));
    }

    @Test
    void bounds_nesting_instead_of_overflowing_the_stack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        var e = assertThrows(JsonFormatException.class, () -> JsonReader.parse(deep));
        assertTrue(e.getMessage().startsWith("nesting deeper than"), e.getMessage());
    }

    /** Jackson reads small integers as Integer and decimals as Double: compare numbers by value. */
    private static Object normalise(Object v) {
        return switch (v) {
            case Map<?, ?> m -> {
                var out = new LinkedHashMap<Object, Object>();
                m.forEach((k, x) -> out.put(k, normalise(x)));
                yield out;
            }
            case List<?> l -> l.stream().map(JsonReaderTest::normalise).toList();
            case Long n when n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE -> n.intValue();
            case null, default -> v;
        };
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 4 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextBoolean() ? (Object) r.nextInt() : (Object) r.nextLong();
            case 3 -> r.nextDouble() * Math.pow(10, r.nextInt(20) - 10);
            case 4 -> randomString(r);
            case 5 -> {
                var list = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) list.add(randomValue(r, depth + 1));
                yield list;
            }
            default -> {
                var map = new LinkedHashMap<String, Object>();
                for (int i = r.nextInt(5); i > 0; i--) map.put(randomString(r), randomValue(r, depth + 1));
                yield map;
            }
        };
    }

    private static String randomString(Random r) {
        var sb = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            sb.append(switch (r.nextInt(4)) {
                case 0 -> (char) r.nextInt(0x20);
                case 1 -> (char) (0x20 + r.nextInt(0x60));
                case 2 -> (char) (0x80 + r.nextInt(0x2000));
                default -> "\"\\/".charAt(r.nextInt(3));
            });
        }
        return sb.toString();
    }
}
