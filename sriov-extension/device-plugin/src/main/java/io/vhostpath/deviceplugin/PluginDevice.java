package io.vhostpath.deviceplugin;

/**
 * One device the plugin advertises: a VF's vhost-vdpa device.
 *
 * @param id         the ID kubelet sees: the VF's PCI address (upstream's, which the CNI resolves), else the vDPA name
 * @param vdpaName   the vDPA device ({@code vdpa:0000:65:00.2})
 * @param pciAddress the VF's PCI address, or null for a VF without a PCI function
 * @param pf         the PF's uplink netdev, for locality
 * @param numaNode   the PF's NUMA node, or -1
 */
public record PluginDevice(String id, String vdpaName, String pciAddress, String pf, int numaNode) {}
