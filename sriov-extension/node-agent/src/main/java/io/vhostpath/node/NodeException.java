package io.vhostpath.node;

/** The node does not look the way it must, or a step on it failed: what, where, and why. */
public final class NodeException extends RuntimeException {
    public NodeException(String message) {
        super(message);
    }

    public NodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
