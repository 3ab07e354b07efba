package io.vhostpath.kubevirt;

/** Why a domain could not be given its interfaces; the message names the VMI interface (when one is at fault). */
public final class MutationException extends Exception {
    public MutationException(String message) {
        super(message);
    }

    static MutationException of(String iface, String problem) {
        return new MutationException("interface " + iface + ": " + problem);
    }
}
