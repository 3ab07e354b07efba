package io.vhostpath.operator.reconciler;

/** VFs {@code first..last} of PF {@code pf} on one node, claimed by a policy. */
record Claim(String pf, int first, int last, int numVfs, String eswitchMode) {
    /** Two claims collide when they share VFs, or disagree about the PF's VF count or eswitch mode. */
    boolean collides(Claim o) {
        if (!pf.equals(o.pf)) return false;
        return first <= o.last && o.first <= last || numVfs != o.numVfs || !eswitchMode.equals(o.eswitchMode);
    }
}
