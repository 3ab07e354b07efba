package io.vhostpath.text;

/** Text that is not the JSON expected; {@link #offset()} is the character where reading stopped. */
public final class JsonFormatException extends IllegalArgumentException {
    private final int offset;

    public JsonFormatException(String what, int offset) {
        super(what + " at offset " + offset);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
