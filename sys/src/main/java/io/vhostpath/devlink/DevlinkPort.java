package io.vhostpath.devlink;

/**
 * A devlink port: the PF's uplink (flavour physical), or, in switchdev mode, the representor of a VF or SF.
 *
 * @param device   the devlink handle of its device, {@code bus/name} ({@code pci/0000:65:00.0}, {@code netdevsim/netdevsim1})
 * @param pfNumber the PCI PF number (pcipf, pcivf and pcisf ports), or -1
 * @param vfNumber the VF index under its PF (pcivf ports), or -1
 * @param netdev   the port's netdev (for a VF port: its representor), or null when it has none
 */
public record DevlinkPort(String device, long index, Flavour flavour, int pfNumber, int vfNumber, String netdev) {
    /** devlink's port flavours (enum devlink_port_flavour), as {@code devlink port show} names them. */
    public enum Flavour {
        PHYSICAL(0, "physical"), CPU(1, "cpu"), DSA(2, "dsa"), PCI_PF(3, "pcipf"), PCI_VF(4, "pcivf"), VIRTUAL(5, "virtual"),
        UNUSED(6, "unused"), PCI_SF(7, "pcisf");

        private final int value;
        private final String iproute2;

        Flavour(int value, String iproute2) {
            this.value = value;
            this.iproute2 = iproute2;
        }

        public String iproute2Name() {
            return iproute2;
        }

        static Flavour of(int value) {
            for (Flavour f : values()) if (f.value == value) return f;
            throw new IllegalArgumentException("devlink port flavour " + value + " is unknown");
        }
    }

    /** The port's handle as devlink prints it: {@code netdevsim/netdevsim1/128}. */
    public String handle() {
        return device + "/" + index;
    }
}
