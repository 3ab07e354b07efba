package io.vhostpath.node;

/**
 * A PF netdev name as a policy's {@code nicSelector.pfNames} writes it, optionally with the VFs it takes:
 * {@code ens1f0} (every VF) or {@code ens1f0#2-5} (VFs 2 to 5), as the SR-IOV operator reads it.
 *
 * @param firstVf first VF index, or -1 for all VFs
 * @param lastVf  last VF index (inclusive), or -1 for all VFs
 */
public record PfName(String netdev, int firstVf, int lastVf) {
    /** Linux's interface name limit, IFNAMSIZ - 1. */
    private static final int IFNAME_MAX = 15;

    /** Parses {@code text}; the message of a bad one says what is wrong with it. */
    public static PfName parse(String text) {
        int hash = text.indexOf('#');
        String netdev = hash < 0 ? text : text.substring(0, hash);
        if (netdev.isEmpty() || netdev.length() > IFNAME_MAX || !netdev.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("'" + text + "': '" + netdev + "' is not an interface name");
        }
        if (hash < 0) return new PfName(netdev, -1, -1);
        String range = text.substring(hash + 1);
        var m = java.util.regex.Pattern.compile("(\\d{1,4})-(\\d{1,4})").matcher(range);
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "': the VF range must be #first-last, e.g. " + netdev + "#0-3");
        int first = Integer.parseInt(m.group(1));
        int last = Integer.parseInt(m.group(2));
        if (first > last) throw new IllegalArgumentException("'" + text + "': the range starts after it ends");
        return new PfName(netdev, first, last);
    }

    public boolean allVfs() {
        return firstVf < 0;
    }

    /** The VF indices taken, given the PF's VF count. */
    public int first() {
        return allVfs() ? 0 : firstVf;
    }

    public int last(int numVfs) {
        return allVfs() ? numVfs - 1 : lastVf;
    }

    @Override
    public String toString() {
        return allVfs() ? netdev : netdev + "#" + firstVf + "-" + lastVf;
    }
}
