package io.vhostpath.node;

import java.util.List;

/** A desired state that cannot be applied: every problem found, each naming the policy or field. */
public final class DesiredStateException extends IllegalArgumentException {
    private final List<String> problems;

    public DesiredStateException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
