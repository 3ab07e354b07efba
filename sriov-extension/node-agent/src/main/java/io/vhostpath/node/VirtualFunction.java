package io.vhostpath.node;

/**
 * One VF of a PF.
 *
 * @param pciAddress the VF's PCI address, or null when the VF is no PCI function (netdevsim)
 * @param driver     the VF's bound driver, or null when unbound or not a PCI function
 * @param mac        the MAC of the VF's own netdev, or null when it has none
 */
public record VirtualFunction(int index, String pciAddress, String driver, String mac) {}
