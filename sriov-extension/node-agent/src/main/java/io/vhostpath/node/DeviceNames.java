package io.vhostpath.node;

/**
 * How a VF's vDPA device is named, and how the device plugin names it to kubelet. The naming rule is upstream's,
 * {@code vdpa:<VF PCI address>}; a VF without a PCI function (netdevsim) gets {@code vdpa:<PF bus address>-vf<N>}.
 * The prefix alone does not make a device the agent's: {@link OwnedState} does.
 */
public final class DeviceNames {
    private DeviceNames() {}

    public static String vdpa(PhysicalFunction pf, VirtualFunction vf) {
        return "vdpa:" + (vf.pciAddress() != null ? vf.pciAddress() : pf.address() + "-vf" + vf.index());
    }

    /** The device plugin's device ID: the VF's PCI address (upstream's, which the CNI resolves), else the vDPA name. */
    public static String pluginId(PhysicalFunction pf, VirtualFunction vf) {
        return vf.pciAddress() != null ? vf.pciAddress() : vdpa(pf, vf);
    }
}
