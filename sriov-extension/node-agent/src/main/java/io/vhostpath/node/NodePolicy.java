package io.vhostpath.node;

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
 */
public record NodePolicy(String name, String resourceName, int priority, int numVfs, NicSelector nicSelector,
                         DeviceType deviceType, EswitchMode eswitchMode, VdpaType vdpaType, Integer mtu, Integer maxVqPairs,
                         MacPolicy macPolicy) {

    /** Which PFs the policy takes: any of the names, root devices, or vendor/device id pairs given. */
    public record NicSelector(String vendor, String deviceId, List<String> rootDevices, List<PfName> pfNames) {}

    public enum DeviceType { NETDEVICE, VFIO_PCI }

    public enum EswitchMode { LEGACY, SWITCHDEV }

    /** {@code vhost}: bound to vhost_vdpa, /dev/vhost-vdpa-N for userspace; {@code virtio}: a kernel netdev. */
    public enum VdpaType { VHOST, VIRTIO }

    /** {@code vf}: the VF's own MAC; {@code random}: a locally administered one per device; {@code none}: the driver's. */
    public enum MacPolicy { VF, RANDOM, NONE }
}
