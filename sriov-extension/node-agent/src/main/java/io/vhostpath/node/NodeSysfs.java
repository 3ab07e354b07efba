package io.vhostpath.node;

import io.vhostpath.sys.Libc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SR-IOV as sysfs shows it, under an injectable root so tests build fake trees.
 *
 * <pre>
 *   {sys}/class/net/ens1f0/device -> ../../../0000:65:00.0      (the PF; its representors link there too)
 *   {sys}/class/net/ens1f0/phys_port_name                       "p0" on an uplink, "pf0vf3" on a representor
 *   {sys}/bus/pci/devices/0000:65:00.0/{vendor,device,sriov_totalvfs,sriov_numvfs,numa_node}
 *   {sys}/bus/pci/devices/0000:65:00.0/virtfn3 -> ../0000:65:00.5
 *   {sys}/bus/pci/devices/0000:65:00.5/driver -> ../../bus/pci/drivers/mlx5_core
 *   {sys}/bus/netdevsim/devices/netdevsim7/sriov_numvfs         (netdevsim: VFs without PCI functions)
 * </pre>
 */
public final class NodeSysfs {
    private static final Pattern VIRTFN = Pattern.compile("virtfn(\\d+)");
    private static final Pattern UPLINK_PORT = Pattern.compile("p\\d+");
    private final Path sys;

    public NodeSysfs(Path sysRoot) {
        this.sys = sysRoot;
    }

    public static NodeSysfs system() {
        return new NodeSysfs(Path.of("/sys"));
    }

    public Path root() {
        return sys;
    }

    /** Every SR-IOV capable device with an uplink netdev, sorted by netdev name. */
    public List<PhysicalFunction> physicalFunctions() {
        var out = new ArrayList<PhysicalFunction>();
        var seen = new java.util.HashSet<Path>();
        for (Path netdev : list(sys.resolve("class/net"))) {
            Path link = netdev.resolve("device");
            if (!Files.exists(link.resolve("sriov_numvfs"))) continue;
            if (!isUplink(netdev)) continue;
            Path device = real(link);
            if (!seen.add(device)) continue;
            out.add(describe(netdev.getFileName().toString(), device));
        }
        out.sort(Comparator.comparing(PhysicalFunction::netdev));
        return out;
    }

    /** The PF whose uplink netdev is {@code netdev}, or whose bus address is {@code address}. */
    public Optional<PhysicalFunction> physicalFunction(String netdevOrAddress) {
        return physicalFunctions().stream()
                .filter(pf -> pf.netdev().equals(netdevOrAddress) || pf.address().equals(netdevOrAddress)).findFirst();
    }

    /** A PF netdev has no port name (legacy drivers), or an uplink one ({@code p0}); representors have {@code pf0vfN}. */
    private static boolean isUplink(Path netdev) {
        String port = readOrNull(netdev.resolve("phys_port_name"));
        return port == null || port.isEmpty() || UPLINK_PORT.matcher(port).matches();
    }

    private PhysicalFunction describe(String netdev, Path device) {
        String bus = real(device.resolve("subsystem")).getFileName().toString();
        String total = readOrNull(device.resolve("sriov_totalvfs"));
        String numa = readOrNull(device.resolve("numa_node"));
        return new PhysicalFunction(netdev, bus, device.getFileName().toString(), hexId(device.resolve("vendor")),
                hexId(device.resolve("device")), total == null ? null : Integer.parseInt(total),
                Integer.parseInt(read(device.resolve("sriov_numvfs"))), numa == null ? -1 : Integer.parseInt(numa));
    }

    /** The PF's VFs: PCI VFs from its {@code virtfnN} links, otherwise indices 0..numVfs-1 without a PCI function. */
    public List<VirtualFunction> virtualFunctions(PhysicalFunction pf) {
        Path device = deviceDir(pf);
        var out = new ArrayList<VirtualFunction>();
        if (!pf.isPci()) {
            for (int i = 0; i < pf.numVfs(); i++) out.add(new VirtualFunction(i, null, null, null));
            return out;
        }
        for (Path link : list(device)) {
            var m = VIRTFN.matcher(link.getFileName().toString());
            if (!m.matches()) continue;
            Path vf = real(link);
            Path driver = vf.resolve("driver");
            out.add(new VirtualFunction(Integer.parseInt(m.group(1)), vf.getFileName().toString(),
                    Files.exists(driver) ? real(driver).getFileName().toString() : null, mac(vf)));
        }
        out.sort(Comparator.comparingInt(VirtualFunction::index));
        return out;
    }

    /**
     * Writes {@code sriov_numvfs}. The kernel refuses a change between two non-zero counts (EBUSY): the caller
     * writes 0 first. Fails with {@link io.vhostpath.sys.NativeError} carrying the kernel's errno.
     */
    public void setNumVfs(PhysicalFunction pf, int numVfs) {
        Libc.writeFile(deviceDir(pf).resolve("sriov_numvfs").toString(), Integer.toString(numVfs));
    }

    /**
     * Binds a PCI VF to {@code driver}, or with null to whichever driver the PCI core picks (the NIC's): unbind from
     * the current one, set {@code driver_override} (cleared for the default), {@code drivers_probe}, and check.
     */
    public void bindDriver(VirtualFunction vf, String driver) {
        Path dev = sys.resolve("bus/pci/devices").resolve(vf.pciAddress());
        if (driver != null && !Files.isDirectory(sys.resolve("bus/pci/drivers").resolve(driver))) {
            throw new NodeException("VF " + vf.pciAddress() + ": driver " + driver + " is not loaded (no " + sys.resolve("bus/pci/drivers")
                    .resolve(driver) + "): modprobe " + driver);
        }
        if (Files.exists(dev.resolve("driver"))) Libc.writeFile(dev.resolve("driver/unbind").toString(), vf.pciAddress());
        Libc.writeFile(dev.resolve("driver_override").toString(), driver == null ? "\n" : driver);
        Libc.writeFile(sys.resolve("bus/pci/drivers_probe").toString(), vf.pciAddress());
        Path bound = dev.resolve("driver");
        String now = Files.exists(bound) ? real(bound).getFileName().toString() : null;
        if (now == null || (driver != null && !driver.equals(now))) {
            throw new NodeException("VF " + vf.pciAddress() + ": asked for " + (driver == null ? "its default driver" : driver)
                    + ", bound to " + (now == null ? "none" : now) + " after drivers_probe");
        }
    }

    /** The MAC of a PCI VF's own netdev, or null. */
    private static String mac(Path vf) {
        for (Path netdev : list(vf.resolve("net"))) {
            String mac = readOrNull(netdev.resolve("address"));
            if (mac != null) return mac;
        }
        return null;
    }

    private Path deviceDir(PhysicalFunction pf) {
        return sys.resolve("bus").resolve(pf.bus()).resolve("devices").resolve(pf.address());
    }

    private static String hexId(Path file) {
        String v = readOrNull(file);
        return v == null ? null : v.replaceFirst("^0x", "");
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new NodeException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path real(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException e) {
            throw new NodeException("cannot resolve " + link + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new NodeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** An attribute that may be missing or unreadable (phys_port_name reads EOPNOTSUPP on legacy drivers). */
    private static String readOrNull(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
