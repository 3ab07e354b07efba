package io.vhostpath.kubevirt;

/** The host side of one bound interface, as its device-info describes it. */
sealed interface Device {
    /** A vhost-vdpa character device that QEMU opens: {@code /dev/vhost-vdpa-N}. */
    record Vdpa(String path) implements Device {}

    /**
     * A vhost-user socket; {@code server} when the VM's side serves it (device-info mode {@code server}: the switch
     * connects as the client).
     */
    record VhostUser(String path, boolean server) implements Device {}

    String path();
}
