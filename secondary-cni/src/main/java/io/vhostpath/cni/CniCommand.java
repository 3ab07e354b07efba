package io.vhostpath.cni;

/** The CNI 1.1 verbs, as CNI_COMMAND spells them. */
public enum CniCommand {
    ADD, DEL, CHECK, STATUS, GC, VERSION;

    static CniCommand parse(String s) {
        if (s == null || s.isEmpty()) throw CniError.env("CNI_COMMAND", "not set");
        try {
            return valueOf(s);
        } catch (IllegalArgumentException e) {
            throw CniError.env("CNI_COMMAND", "'" + s + "' is none of ADD, DEL, CHECK, STATUS, GC, VERSION");
        }
    }

    /** Verbs about one attachment, which name a container, a network namespace (ADD) and an interface. */
    boolean perAttachment() {
        return this == ADD || this == DEL || this == CHECK;
    }
}
