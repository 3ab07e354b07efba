package io.vhostpath.kubevirt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each element of an XML document starts and ends in its text, in document order. Edits splice text at these
 * offsets, so the rest of the domain keeps its bytes: quoting, attribute order, comments, namespaces. Only for text
 * a DOM parser has accepted (well-formed, no DOCTYPE); the scanner does not check well-formedness itself.
 */
final class XmlSpans {
    private XmlSpans() {}

    /**
     * One element. {@code contentStart} is just after its start tag and {@code contentEnd} at its end tag's '<';
     * for an empty-element tag ({@code <locked/>}) both are {@code end}.
     */
    record Span(String name, int start, int contentStart, int contentEnd, int end) {
        boolean selfClosing() {
            return contentStart == end;
        }
    }

    static List<Span> of(String xml) {
        var out = new ArrayList<Span>();
        var open = new ArrayDeque<int[]>(); // {index in out, contentStart}
        int i = xml.indexOf('<');
        while (i >= 0) {
            int next;
            if (xml.startsWith("<!--", i)) next = xml.indexOf("-->", i) + 3;
            else if (xml.startsWith("<![CDATA[", i)) next = xml.indexOf("]]>", i) + 3;
            else if (xml.startsWith("<?", i)) next = xml.indexOf("?>", i) + 2;
            else if (xml.startsWith("<!", i)) throw new IllegalArgumentException("a DOCTYPE at offset " + i);
            else if (xml.startsWith("</", i)) {
                next = xml.indexOf('>', i) + 1;
                int[] o = open.pop();
                Span s = out.get(o[0]);
                out.set(o[0], new Span(s.name(), s.start(), o[1], i, next));
            } else {
                next = tagEnd(xml, i) + 1;
                String name = name(xml, i + 1);
                if (xml.charAt(next - 2) == '/') out.add(new Span(name, i, next, next, next));
                else {
                    open.push(new int[] {out.size(), next});
                    out.add(new Span(name, i, next, -1, -1));
                }
            }
            i = xml.indexOf('<', next);
        }
        if (!open.isEmpty()) throw new IllegalArgumentException("unclosed element " + out.get(open.peek()[0]).name());
        return out;
    }

    /** The '>' that ends the start tag at {@code from}, skipping quoted attribute values (which may hold '>'). */
    private static int tagEnd(String xml, int from) {
        for (int k = from + 1; k < xml.length(); k++) {
            char c = xml.charAt(k);
            if (c == '"' || c == '\'') k = xml.indexOf(c, k + 1);
            else if (c == '>') return k;
        }
        throw new IllegalArgumentException("unterminated tag at offset " + from);
    }

    private static String name(String xml, int from) {
        int k = from;
        while (k < xml.length() && !Character.isWhitespace(xml.charAt(k)) && xml.charAt(k) != '/' && xml.charAt(k) != '>') k++;
        return xml.substring(from, k);
    }
}
