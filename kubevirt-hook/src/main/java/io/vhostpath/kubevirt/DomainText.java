package io.vhostpath.kubevirt;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A libvirt domain held both as its text and as a DOM, element for element: the DOM answers questions, edits splice
 * the text. What is not edited keeps its bytes (a DOM serializer would re-quote, reorder attributes, drop the
 * declaration). Edits are collected and applied at once by {@link #result()}.
 */
final class DomainText {
    private record Edit(int start, int end, String text, int order) {}

    private final String xml;
    private final Document dom;
    private final Map<Element, XmlSpans.Span> spans = new IdentityHashMap<>();
    private final List<Edit> edits = new ArrayList<>();

    private DomainText(String xml, Document dom) {
        this.xml = xml;
        this.dom = dom;
        NodeList all = dom.getElementsByTagName("*");
        List<XmlSpans.Span> found = XmlSpans.of(xml);
        if (found.size() != all.getLength()) throw new IllegalStateException("element count: " + found.size() + " vs " + all.getLength());
        for (int i = 0; i < all.getLength(); i++) {
            var e = (Element) all.item(i);
            if (!found.get(i).name().equals(e.getTagName())) throw new IllegalStateException(found.get(i).name() + " vs " + e.getTagName());
            spans.put(e, found.get(i));
        }
    }

    /** Parses without DTDs or external entities: the text comes from another process. */
    static DomainText parse(String xml) throws MutationException {
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document dom = builder.parse(new org.xml.sax.InputSource(new StringReader(xml)));
            if (!dom.getDocumentElement().getTagName().equals("domain")) {
                throw new MutationException("domain XML: the root element is <" + dom.getDocumentElement().getTagName() + ">, not <domain>");
            }
            return new DomainText(xml, dom);
        } catch (SAXException e) {
            throw new MutationException("domain XML is not well-formed: " + e.getMessage());
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Element root() {
        return dom.getDocumentElement();
    }

    static List<Element> children(Element parent, String name) {
        var out = new ArrayList<Element>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
        }
        return out;
    }

    static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.getFirst();
    }

    String text(Element e) {
        XmlSpans.Span s = spans.get(e);
        return xml.substring(s.start(), s.end());
    }

    /** The whitespace before {@code e} on its line ("" when something else precedes it there). */
    String indent(Element e) {
        int start = spans.get(e).start();
        int line = xml.lastIndexOf('\n', start - 1) + 1;
        return xml.substring(line, start).isBlank() ? xml.substring(line, start) : "";
    }

    /** The indentation of {@code parent}'s children: its first child's, or one step (two spaces) deeper than it. */
    String childIndent(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) return indent(e);
        }
        return indent(parent) + "  ";
    }

    void replace(Element e, String text) {
        XmlSpans.Span s = spans.get(e);
        edit(s.start(), s.end(), text);
    }

    /**
     * {@code elements} as the last children of {@code parent}, each on its own line at the children's indentation (an
     * element's own later lines carry their full indentation).
     */
    void append(Element parent, List<String> elements) {
        XmlSpans.Span s = spans.get(parent);
        String indent = childIndent(parent);
        String text = String.join("\n" + indent, elements);
        if (s.selfClosing()) {
            String open = xml.substring(s.start(), s.end() - 2).stripTrailing() + ">";
            edit(s.start(), s.end(), open + "\n" + indent + text + "\n" + indent(parent) + "</" + s.name() + ">");
            return;
        }
        int line = xml.lastIndexOf('\n', s.contentEnd() - 1) + 1;
        if (line > s.contentStart() && xml.substring(line, s.contentEnd()).isBlank()) edit(line, line, indent + text + "\n");
        else edit(s.contentEnd(), s.contentEnd(), text);
    }

    /** {@code text} (one element, unindented) just before {@code sibling}, on its own line. */
    void insertBefore(Element sibling, String text) {
        int start = spans.get(sibling).start();
        int line = xml.lastIndexOf('\n', start - 1) + 1;
        String indent = indent(sibling);
        if (indent.isEmpty()) edit(start, start, text);
        else edit(line, line, indent + text + "\n");
    }

    private void edit(int start, int end, String text) {
        edits.add(new Edit(start, end, text, edits.size()));
    }

    boolean changed() {
        return !edits.isEmpty();
    }

    /** The text with every edit applied; edits at one offset appear in the order they were made. */
    String result() {
        var sb = new StringBuilder(xml);
        edits.stream().sorted(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::order).reversed())
                .forEach(e -> sb.replace(e.start(), e.end(), e.text()));
        return sb.toString();
    }
}
