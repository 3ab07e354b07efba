package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.sysfs.VdpaDriver;

/**
 * One change to the node. Each names the devlink handle of the PF it belongs to, so that a failure stops the
 * remaining steps of that PF and no other.
 */
public sealed interface Step {
    String pfHandle();

    /** What the step is about, for problems: a PF netdev, a VF, a vDPA device. */
    String subject();

    /** Records the PF as it was, before the agent's first change to it. */
    record RecordPf(PhysicalFunction pf, int numVfs, EswitchMode eswitchMode) implements Step {
        public String pfHandle() { return pf.devlinkHandle(); }
        public String subject() { return pf.netdev(); }
        public String toString() { return "record PF " + pf + " as found: " + numVfs + " VFs, eswitch " + (eswitchMode == null ? "none" : eswitchMode.iproute2Name()); }
    }

    record SetNumVfs(PhysicalFunction pf, int numVfs) implements Step {
        public String pfHandle() { return pf.devlinkHandle(); }
        public String subject() { return pf.netdev(); }
        public String toString() { return "set sriov_numvfs of " + pf + " to " + numVfs; }
    }

    record SetEswitchMode(PhysicalFunction pf, EswitchMode mode) implements Step {
        public String pfHandle() { return pf.devlinkHandle(); }
        public String subject() { return pf.netdev(); }
        public String toString() { return "devlink dev eswitch set " + pf.devlinkHandle() + " mode " + mode.iproute2Name(); }
    }

    /**
     * Binds a PCI VF to {@code driver} ({@code vfio-pci}), or with null to its default driver (the NIC's, which
     * offers the VF's vDPA management device), the SR-IOV operator's way: unbind, driver_override, probe.
     */
    record BindVfDriver(PhysicalFunction pf, VirtualFunction vf, String driver) implements Step {
        public String pfHandle() { return pf.devlinkHandle(); }
        public String subject() { return vf.pciAddress(); }
        public String toString() {
            return "bind VF " + vf.index() + " (" + vf.pciAddress() + ") of " + pf + " to " + (driver == null ? "its default driver" : driver);
        }
    }

    /** Records the device as the agent's, then creates it and binds it. */
    record CreateVdpa(String pfHandle, NewDevice device, VdpaDriver driver) implements Step {
        public String subject() { return device.name(); }
        public String toString() {
            return "vdpa dev add name " + device.name() + " mgmtdev " + device.mgmtDevice()
                    + (device.mac() == null ? "" : " mac " + device.mac()) + (device.mtu() == null ? "" : " mtu " + device.mtu())
                    + (device.maxVqPairs() == null ? "" : " max_vqp " + device.maxVqPairs()) + ", bind " + driver.sysfsName();
        }
    }

    /** An identical device is there, not bound to {@code driver}: binds it. */
    record BindVdpa(String pfHandle, NewDevice device, VdpaDriver driver) implements Step {
        public String subject() { return device.name(); }
        public String toString() { return "bind vdpa device " + device.name() + " to " + driver.sysfsName(); }
    }

    /** Deletes a device the agent created, then forgets it. */
    record DeleteVdpa(String pfHandle, String name) implements Step {
        public String subject() { return name; }
        public String toString() { return "vdpa dev del " + name; }
    }

    /** The PF is back as the agent found it: it no longer owns it. */
    record ForgetPf(String pfHandle, String netdev) implements Step {
        public String subject() { return netdev; }
        public String toString() { return "forget PF " + netdev + " (" + pfHandle + "): restored as found"; }
    }
}
