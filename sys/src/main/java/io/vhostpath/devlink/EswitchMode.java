package io.vhostpath.devlink;

/** enum devlink_eswitch_mode: how the NIC's embedded switch forwards; switchdev gives VF representors. */
public enum EswitchMode {
    LEGACY, SWITCHDEV;

    /** The kernel's value: the ordinal, as the UAPI enum counts. */
    int value() {
        return ordinal();
    }

    static EswitchMode of(int value) {
        if (value < 0 || value >= values().length) throw new IllegalArgumentException("devlink eswitch mode " + value + " is unknown");
        return values()[value];
    }

    /** As iproute2's {@code devlink dev eswitch} spells it. */
    public String iproute2Name() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
