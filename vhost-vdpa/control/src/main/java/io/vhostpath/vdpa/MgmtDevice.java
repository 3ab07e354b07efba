package io.vhostpath.vdpa;

/**
 * A vDPA management device: the parent that can create vDPA devices, e.g. {@code pci/0000:65:00.2} (a VF of a
 * vDPA-capable NIC) or {@code vdpasim_net} (the kernel simulator, no bus).
 *
 * @param supportedClasses bit mask of virtio device ids (bit 1 = net)
 * @param maxVqs           0 when the kernel does not report it
 * @param supportedFeatures virtio feature bits, 0 when not reported
 */
public record MgmtDevice(String bus, String name, long supportedClasses, long maxVqs, long supportedFeatures) {
    /** The handle iproute2 prints and accepts: {@code bus/name}, or the name alone. */
    public String handle() {
        return bus == null ? name : bus + "/" + name;
    }

    public boolean supportsNet() {
        return (supportedClasses & (1L << VdpaNetlink.VIRTIO_ID_NET)) != 0;
    }
}
