package io.vhostpath.text;

import java.util.Locale;
import java.util.Map;

/** A minimal JSON writer for vhostpath's documents (stats, summaries, vdpactl): maps, lists, strings, numbers, booleans. */
public final class Json {
    private Json() {}

    public static String write(Map<String, ?> object) {
        var sb = new StringBuilder();
        value(sb, object, null);
        return sb.toString();
    }

    /** The same document laid out for people: one member per line, two spaces per level (state files). */
    public static String writeIndented(Map<String, ?> object) {
        var sb = new StringBuilder();
        value(sb, object, "\n");
        return sb.toString();
    }

    /** @param newline null for the compact form, else the line break and indentation of the current level */
    private static void value(StringBuilder sb, Object v, String newline) {
        String inner = newline == null ? null : newline + "  ";
        switch (v) {
            case null -> sb.append("null");
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (var e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    if (inner != null) sb.append(inner);
                    string(sb, e.getKey().toString());
                    sb.append(inner == null ? ":" : ": ");
                    value(sb, e.getValue(), inner);
                }
                if (newline != null && !m.isEmpty()) sb.append(newline);
                sb.append('}');
            }
            case Iterable<?> list -> {
                sb.append('[');
                boolean first = true;
                for (Object o : list) {
                    if (!first) sb.append(inner == null ? "," : ", ");
                    first = false;
                    value(sb, o, newline);
                }
                sb.append(']');
            }
            case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", d));
            case Number n -> sb.append(n);
            case Boolean b -> sb.append(b);
            default -> string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
