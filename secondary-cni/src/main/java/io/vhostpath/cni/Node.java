package io.vhostpath.cni;

import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The node the plugin runs on: its sysfs (vDPA bus, PCI, netdevs) and the vDPA control it needs for MACs. Tests
 * point sysfs at a built tree; the provisioner is only opened when a MAC is read or set.
 */
record Node(VdpaSysfs vdpa, Path sysRoot, Supplier<VdpaProvisioner> provisioner) {
    static Node system() {
        return new Node(VdpaSysfs.system(), Path.of("/sys"), VdpaProvisioner::system);
    }

    Representors representors() {
        return new Representors(sysRoot);
    }
}
