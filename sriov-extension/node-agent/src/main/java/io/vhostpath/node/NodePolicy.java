package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;

import java.util.List;

/**
 * One policy as it applies to this node: the SR-IOV Network Operator's SriovNetworkNodePolicy spec (the fields
 * vhost-vdpa provisioning needs), plus what upstream leaves out: VQ pairs and the MAC policy of the vDPA devices.
 *
 * @param name         the policy's name, for messages and status
 * @param priority     0 (highest) to 99
 * @param vdpaType     the vDPA flavour, or null for plain VFs
 * @param mtu          the VFs' and vDPA devices' MTU, or null to leave it
 * @param maxVqPairs   queue pairs per vDPA device, or null for the device's default
 * @param macPolicy    how vDPA devices get their MAC
 * @param vdpaMgmtDevice a software management device (the kernel's {@code vdpasim_net}) for VFs that offer none of
 *                       their own, or null: beyond upstream, for test beds whose VFs are not vDPA-capable
 */
public record NodePolicy(String name, String resourceName, int priority, int numVfs, NicSelector nicSelector,
                         DeviceType deviceType, EswitchMode eswitchMode, VdpaType vdpaType, Integer mtu, Integer maxVqPairs,
                         MacPolicy macPolicy, String vdpaMgmtDevice) {

    /** Which PFs the policy takes: those matching every criterion given (vendor, device id, root devices, names). */
    public record NicSelector(String vendor, String deviceId, List<String> rootDevices, List<PfName> pfNames) {}

    public enum DeviceType { NETDEVICE, VFIO_PCI }

    /** {@code vhost}: bound to vhost_vdpa, /dev/vhost-vdpa-N for userspace; {@code virtio}: a kernel netdev. */
    public enum VdpaType { VHOST, VIRTIO }

    /** {@code vf}: the VF's own MAC; {@code random}: a locally administered one per device; {@code none}: the driver's. */
    public enum MacPolicy { VF, RANDOM, NONE }
}
