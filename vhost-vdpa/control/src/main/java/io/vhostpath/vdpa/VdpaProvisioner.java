package io.vhostpath.vdpa;

import io.vhostpath.net.Links;
import io.vhostpath.net.MacAddress;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.netlink.NetlinkFormatException;
import io.vhostpath.sys.NativeError;
import io.vhostpath.vdpa.ProvisionedDevice.Endpoint;
import io.vhostpath.vdpa.sysfs.SysfsException;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Provisioning of vDPA devices, the one API the CNI plugin, the node agent and the device plugin call: create a
 * device, bind it to a bus driver, and resolve what the driver made of it, in one idempotent step; and undo it.
 *
 * <p>{@link #provision} returns the device when an identical one is already there (bound to the asked driver if
 * it was not), throws {@link ProvisioningException.Conflict} when one of that name differs, and deletes a device it
 * created when a later step fails. {@link #release} of a device that is not there does nothing. Every failure is
 * a {@link ProvisioningException}. Not thread-safe: one per caller, like its netlink socket.
 */
public final class VdpaProvisioner implements AutoCloseable {
    private static final int ENODEV = 19;
    private static final int EEXIST = 17;

    private final VdpaClient client;
    private final VdpaSysfs sysfs;
    private final Supplier<Links> links;

    /**
     * @param links opens an rtnetlink client, for MTU changes of a device's kernel netdev
     */
    public VdpaProvisioner(VdpaClient client, VdpaSysfs sysfs, Supplier<Links> links) {
        this.client = client;
        this.sysfs = sysfs;
        this.links = links;
    }

    /** On the running kernel: a generic netlink socket, {@code /sys} and {@code /dev}. */
    public static VdpaProvisioner system() {
        return guarded("vdpa", () -> new VdpaProvisioner(VdpaClient.open(), VdpaSysfs.system(), Links::open));
    }

    /** Every vDPA device with its management device, configuration, driver and endpoint. */
    public List<ProvisionedDevice> list() {
        return guarded("vdpa", () -> {
            Map<String, NetConfig> configs = client.configs().stream()
                    .collect(Collectors.toMap(NetConfig::name, Function.identity(), (a, b) -> a));
            var out = new ArrayList<ProvisionedDevice>();
            for (VdpaDevice d : client.devices()) out.add(describe(d, configs.get(d.name())));
            return out;
        });
    }

    /** The handles of every management device ({@code pci/0000:65:00.2}, {@code vdpasim_net}). */
    public java.util.Set<String> managementDevices() {
        return guarded("vdpa", () -> client.mgmtDevices().stream().map(MgmtDevice::handle)
                .collect(Collectors.toCollection(java.util.TreeSet::new)));
    }

    /** The device called {@code name}; {@link ProvisioningException.NotFound} when there is none. */
    public ProvisionedDevice get(String name) {
        return guarded(name, () -> describe(client.device(name), client.config(name)));
    }

    /** The device called {@code name}, or empty. */
    public Optional<ProvisionedDevice> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (ProvisioningException.NotFound e) {
            return Optional.empty();
        }
    }

    /**
     * Makes device {@code wanted} exist, bound to {@code driver}, and returns it with its endpoint (for vhost_vdpa,
     * the checked {@code /dev/vhost-vdpa-N}).
     */
    public ProvisionedDevice provision(NewDevice wanted, VdpaDriver driver) {
        String name = wanted.name();
        return guarded(name, () -> {
            Optional<ProvisionedDevice> existing = find(name);
            if (existing.isEmpty()) {
                try {
                    client.add(wanted);
                } catch (NetlinkException e) {
                    // Another provisioner created it since we looked: what it made is judged as if it had been there.
                    if (e.errno() != EEXIST) throw e;
                    return converge(get(name), wanted, driver);
                }
                try {
                    return converge(get(name), wanted, driver);
                } catch (RuntimeException e) {
                    rollBack(name, e);
                    throw e;
                }
            }
            return converge(existing.get(), wanted, driver);
        });
    }

    private ProvisionedDevice converge(ProvisionedDevice found, NewDevice wanted, VdpaDriver driver) {
        List<String> differences = differences(found, wanted);
        if (!differences.isEmpty()) {
            throw new ProvisioningException.Conflict(wanted.name(), "vdpa device " + wanted.name() + " exists and differs: "
                    + String.join(", ", differences));
        }
        if (found.driver() != driver || found.endpoint() instanceof ProvisionedDevice.NoEndpoint) {
            sysfs.bind(wanted.name(), driver);
            return get(wanted.name());
        }
        return found;
    }

    private static List<String> differences(ProvisionedDevice found, NewDevice wanted) {
        var out = new ArrayList<String>();
        if (!found.mgmtDevice().equals(wanted.mgmtDevice())) {
            out.add("mgmtdev " + found.mgmtDevice() + ", asked " + wanted.mgmtDevice());
        }
        if (wanted.mac() != null && found.mac() != null && !wanted.mac().equals(found.mac())) {
            out.add("mac " + found.mac() + ", asked " + wanted.mac());
        }
        if (wanted.mtu() != null && found.mtu() != null && !wanted.mtu().equals(found.mtu())) {
            out.add("mtu " + found.mtu() + ", asked " + wanted.mtu());
        }
        if (wanted.maxVqPairs() != null && found.maxVqPairs() != null && !wanted.maxVqPairs().equals(found.maxVqPairs())) {
            out.add("max_vqp " + found.maxVqPairs() + ", asked " + wanted.maxVqPairs());
        }
        return out;
    }

    private void rollBack(String name, RuntimeException cause) {
        try {
            client.delete(name);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Deletes the device; true when it was there. */
    public boolean release(String name) {
        return guarded(name, () -> {
            try {
                client.delete(name);
                return true;
            } catch (NetlinkException e) {
                if (e.errno() == ENODEV) return false;
                throw e;
            }
        });
    }

    /** Changes the MAC of a live device ({@code vdpa dev set}, Linux 6.12+, where the management device allows it). */
    public ProvisionedDevice setMac(String name, MacAddress mac) {
        return guarded(name, () -> {
            client.setMac(name, mac);
            return get(name);
        });
    }

    /**
     * Changes the MTU of a live device. Only a device bound to virtio_vdpa has somewhere to change it: its kernel
     * netdev. The vDPA netlink interface sets the MTU only when a device is created.
     */
    public ProvisionedDevice setMtu(String name, int mtu) {
        return guarded(name, () -> {
            ProvisionedDevice d = get(name);
            if (!(d.endpoint() instanceof ProvisionedDevice.Netdev(String netdev))) {
                throw new ProvisioningException.Unsupported(name, "vdpa device " + name + " is bound to "
                        + (d.driver() == null ? "no driver" : d.driver().sysfsName())
                        + ": its MTU is fixed when it is created (release and provision it with the new MTU)");
            }
            try (var l = links.get()) {
                l.setMtu(netdev, mtu);
            }
            return get(name);
        });
    }

    private ProvisionedDevice describe(VdpaDevice d, NetConfig config) {
        Optional<VdpaDriver> driver = sysfs.driver(d.name());
        Endpoint endpoint = driver.map(dr -> switch (dr) {
            case VHOST_VDPA -> (Endpoint) new ProvisionedDevice.VhostNode(sysfs.vhostDevice(d.name()));
            case VIRTIO_VDPA -> sysfs.netdev(d.name()).<Endpoint>map(ProvisionedDevice.Netdev::new)
                    .orElse(new ProvisionedDevice.NoEndpoint());
        }).orElse(new ProvisionedDevice.NoEndpoint());
        return new ProvisionedDevice(d.name(), d.mgmtDevice(), config == null ? null : config.mac(),
                config == null ? null : config.mtu(), config == null ? null : config.maxVqPairs(), driver.orElse(null),
                endpoint);
    }

    /** Runs {@code step}, turning every failure of the layers below into the sealed hierarchy. */
    private static <T> T guarded(String device, Supplier<T> step) {
        try {
            return step.get();
        } catch (NetlinkException e) {
            if (e.errno() == ENODEV) throw new ProvisioningException.NotFound(device, e.getMessage());
            throw new ProvisioningException.KernelRefused(device, e);
        } catch (NetlinkFormatException e) {
            throw new ProvisioningException.MalformedReply(device, e);
        } catch (NativeError e) {
            throw new ProvisioningException.Syscall(device, e);
        } catch (SysfsException e) {
            throw new ProvisioningException.SysfsState(device, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
