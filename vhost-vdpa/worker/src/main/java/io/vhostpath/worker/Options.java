package io.vhostpath.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The worker's command line, GNU style: {@code --name value}, {@code --name=value}, a short form for the common
 * ones ({@code -p null}, {@code -pnull}), repeatable options, {@code -h}/{@code --help}, {@code -V}/{@code --version};
 * the usage text comes from the same table. Written here rather than with an annotation library: parsing must cost
 * nothing measurable at start-up (picocli's classes, compiled for Java 5, stay out of the AOT cache, and building its
 * model by reflection took 0.3-0.8 s of every launch).
 */
final class Options {
    /**
     * One option; {@code label} null for a flag; {@code split} null for a single value (the last one given wins), or a
     * repeatable option's separator within one value ("" for none).
     */
    record Option(String name, char shortName, String label, String defaultValue, String split, String description) {
        boolean flag() {
            return label == null;
        }

        boolean repeatable() {
            return split != null;
        }

        /** e.g. {@code -p, --port=SPEC}. */
        String synopsis() {
            String s = (shortName != 0 ? "-" + shortName + ", " : "    ") + "--" + name;
            return flag() ? s : s + "=" + label;
        }
    }

    /** Thrown for anything the command line gets wrong: exit code 2, the message, then the usage. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    private final String command;
    private final String version;
    private final List<String> description;
    private final List<Option> options;
    private final List<String> footer;
    private final List<String> required;

    /** @param required the options that must be given (unless help or the version is asked) */
    Options(String command, String version, List<String> description, List<Option> options, List<String> required,
            List<String> footer) {
        this.command = command;
        this.version = version;
        this.description = List.copyOf(description);
        this.options = List.copyOf(options);
        this.required = List.copyOf(required);
        this.footer = List.copyOf(footer);
    }

    String version() {
        return version;
    }

    /** What the command line says: each option's values in order (defaults where absent), and help/version asks. */
    record Parsed(Map<String, List<String>> values, boolean help, boolean version) {
        String one(String name) {
            List<String> v = values.get(name);
            return v == null || v.isEmpty() ? null : v.getLast();
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        int integer(String name) {
            return parse(name, "", one(name), Integer::valueOf, "an int");
        }

        long number(String name) {
            return parse(name, "", one(name), Long::valueOf, "a long");
        }

        List<Integer> integers(String name) {
            var out = new ArrayList<Integer>();
            for (String v : all(name)) out.add(parse(name, " (" + name.toUpperCase() + ")", v, Integer::valueOf, "an int"));
            return out;
        }

        private static <T> T parse(String name, String label, String value, Function<String, T> parser, String type) {
            try {
                return parser.apply(value);
            } catch (NumberFormatException e) {
                throw new UsageError("Invalid value for option '--" + name + "'" + label + ": '" + value + "' is not " + type);
            }
        }
    }

    /**
     * Parses {@code args}. An option's value is the next argument even when it starts with a dash ({@code --eal
     * --no-huge}); the required options must appear unless help or the version is asked.
     */
    Parsed parse(String[] args) {
        var values = new LinkedHashMap<String, List<String>>();
        boolean help = false, version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            Option o;
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                if (eq >= 0) inline = arg.substring(eq + 1);
                o = byName(name);
                if (o == null) {
                    if (name.equals("help")) { help = true; continue; }
                    if (name.equals("version")) { version = true; continue; }
                    throw new UsageError("Unknown option: '" + arg + "'");
                }
            } else if (arg.startsWith("-") && arg.length() >= 2) {
                char c = arg.charAt(1);
                o = byShort(c);
                if (o == null) {
                    if (c == 'h' || c == 'V') {
                        for (char f : arg.substring(1).toCharArray()) {
                            if (f == 'h') help = true;
                            else if (f == 'V') version = true;
                            else throw new UsageError("Unknown option: '" + arg + "'");
                        }
                        continue;
                    }
                    throw new UsageError("Unknown option: '" + arg + "'");
                }
                if (arg.length() > 2) inline = arg.charAt(2) == '=' ? arg.substring(3) : arg.substring(2);
            } else {
                throw new UsageError("Unmatched argument at index " + i + ": '" + arg + "'");
            }
            if (o.flag()) {
                if (inline != null) throw new UsageError("option '--" + o.name() + "' takes no value: '" + arg + "'");
                values.put(o.name(), List.of("true"));
                continue;
            }
            String value = inline;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageError("Missing required parameter for option '--" + o.name() + "' (" + o.label() + ")");
                }
                value = args[++i];
            }
            var list = values.computeIfAbsent(o.name(), k -> new ArrayList<>());
            if (o.repeatable()) {
                if (o.split().isEmpty()) list.add(value);
                else for (String part : value.split(java.util.regex.Pattern.quote(o.split()))) if (!part.isEmpty()) list.add(part);
            } else {
                list.clear();
                list.add(value);
            }
        }
        if (!help && !version) {
            for (String name : required) {
                if (!values.containsKey(name)) throw new UsageError("Missing required option: '--" + name + "=" + byName(name).label() + "'");
            }
        }
        for (Option o : options) {
            if (!values.containsKey(o.name()) && o.defaultValue() != null) values.put(o.name(), List.of(o.defaultValue()));
        }
        return new Parsed(values, help, version);
    }

    private Option byName(String name) {
        for (Option o : options) if (o.name().equals(name)) return o;
        return null;
    }

    private Option byShort(char c) {
        for (Option o : options) if (o.shortName() == c) return o;
        return null;
    }

    /** The usage text: synopsis, description, one line (or more) per option with its default, the footer. */
    String usage() {
        var sb = new StringBuilder("Usage: ").append(command).append(" [-hV] [OPTION]...");
        for (String name : required) {
            Option o = byName(name);
            sb.append(" --").append(name).append('=').append(o.label());
            if (o.repeatable()) sb.append(" [--").append(name).append('=').append(o.label()).append("]...");
        }
        sb.append('\n');
        description.forEach(l -> sb.append(l).append('\n'));
        sb.append('\n');
        int width = options.stream().mapToInt(o -> o.synopsis().length()).max().orElse(0) + 2;
        for (Option o : options) {
            // The default stays on one line: its space is a no-break space until the text is wrapped.
            String text = o.description() + (o.defaultValue() == null || o.flag() ? "" : " (default:\u00A0" + o.defaultValue() + ")");
            sb.append("  ").append(pad(o.synopsis(), width)).append(wrap(text, WIDTH - 2 - width, 2 + width).replace('\u00A0', ' '))
                    .append('\n');
        }
        sb.append("  ").append(pad("-h, --help", width)).append("Show this help message and exit.\n");
        sb.append("  ").append(pad("-V, --version", width)).append("Print version information and exit.\n");
        footer.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Lines of the usage text are kept within this many columns. */
    private static final int WIDTH = 110;

    /** {@code text} in lines of at most {@code columns}, the later ones indented by {@code indent}. */
    private static String wrap(String text, int columns, int indent) {
        var out = new StringBuilder();
        int line = 0;
        for (String word : text.split(" ")) {
            if (line > 0 && line + 1 + word.length() > columns) {
                out.append('\n').append(" ".repeat(indent));
                line = 0;
            } else if (line > 0) {
                out.append(' ');
                line++;
            }
            out.append(word);
            line += word.length();
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + "  " : s + " ".repeat(width - s.length());
    }
}
