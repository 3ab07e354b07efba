package io.vhostpath.node;

/**
 * An SR-IOV capable device as sysfs shows it: the device directory that holds {@code sriov_numvfs} (a PCI PF, or
 * a netdevsim bus device on a test bed) and its uplink netdev.
 *
 * @param bus       the device's bus: {@code pci}, {@code netdevsim}
 * @param address   the device's name on that bus: {@code 0000:65:00.0}, {@code netdevsim7}
 * @param vendor    PCI vendor id (4 hex digits), or null off PCI
 * @param deviceId  PCI device id, or null off PCI
 * @param totalVfs  {@code sriov_totalvfs}, or null when the device does not say
 * @param numaNode  the NUMA node, or -1 when the platform has none
 */
public record PhysicalFunction(String netdev, String bus, String address, String vendor, String deviceId, Integer totalVfs,
                               int numVfs, int numaNode) {

    /** The devlink handle, {@code bus/address}: what {@code devlink dev} prints. */
    public String devlinkHandle() {
        return bus + "/" + address;
    }

    public boolean isPci() {
        return bus.equals("pci");
    }

    @Override
    public String toString() {
        return netdev + " (" + devlinkHandle() + ")";
    }
}
