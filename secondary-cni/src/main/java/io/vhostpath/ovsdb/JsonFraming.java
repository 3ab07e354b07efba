package io.vhostpath.ovsdb;

/** Finds where the first JSON object or array in a byte stream ends, by bracket depth outside strings. */
final class JsonFraming {
    private JsonFraming() {}

    /** The index just past the first complete top-level value, or -1 when more bytes are needed. */
    static int endOfFirstValue(byte[] b) {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    if (--depth == 0) return i + 1;
                }
                default -> { }
            }
        }
        return -1;
    }
}
