package io.vhostpath.text;

/** A field of a JSON document that is missing, of the wrong type or out of range; {@link #field()} is its path. */
public final class JsonFieldException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public JsonFieldException(String field, String problem) {
        super("field '" + field + "': " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
