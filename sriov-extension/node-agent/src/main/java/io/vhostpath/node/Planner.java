package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.net.MacAddress;
import io.vhostpath.node.NodePolicy.DeviceType;
import io.vhostpath.node.NodePolicy.VdpaType;
import io.vhostpath.node.Observation.PfState;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.sysfs.VdpaDriver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The steps from what the node is to what the desired state asks, for one round; the agent runs them, looks
 * again and plans again until a round has nothing to do. PF-level changes (VF count, eswitch mode) come first and
 * end the PF's round, since they make or unmake the VFs its vDPA devices stand on. Only PFs the desired state
 * selects or the agent owns are ever named in a step; only devices the agent owns are deleted.
 */
public final class Planner {
    static final String VFIO_PCI = "vfio-pci";

    private Planner() {}

    public static List<Step> plan(String node, List<PfIntent> intents, Observation obs, OwnedState owned, List<Problem> problems) {
        var steps = new ArrayList<Step>();
        var wanted = new HashSet<String>();
        var selected = new HashSet<String>();
        for (PfIntent intent : intents) {
            String handle = intent.pf().devlinkHandle();
            selected.add(handle);
            PfState st = obs.pf(handle).orElse(null);
            if (st == null) continue; // selected from this very observation; gone since only if it raced
            planPf(node, intent, st, obs, owned, steps, wanted, problems);
        }
        for (var e : owned.pfs().entrySet()) {
            if (selected.contains(e.getKey())) continue;
            deleteOwnedDevices(e.getKey(), Set.of(), owned, steps);
            restore(e.getKey(), e.getValue(), obs, steps);
        }
        for (var e : owned.vdpaDevices().entrySet()) {
            if (!selected.contains(e.getValue()) && !owned.ownsPf(e.getValue())) steps.add(new Step.DeleteVdpa(e.getValue(), e.getKey()));
        }
        return steps;
    }

    private static void planPf(String node, PfIntent intent, PfState st, Observation obs, OwnedState owned, List<Step> steps,
                               Set<String> wanted, List<Problem> problems) {
        PhysicalFunction pf = st.pf();
        String handle = pf.devlinkHandle();
        if (st.eswitchMode() == null && intent.eswitchMode() == EswitchMode.SWITCHDEV) {
            problems.add(Problem.of(pf.netdev(), "PF " + pf + ": its driver offers no devlink eswitch, so no switchdev mode; the PF is left as it is"));
            return;
        }
        boolean vfsChange = pf.numVfs() != intent.numVfs();
        boolean eswitchChange = st.eswitchMode() != null && st.eswitchMode() != intent.eswitchMode();
        if ((vfsChange || eswitchChange) && !owned.ownsPf(handle)) steps.add(new Step.RecordPf(pf, pf.numVfs(), st.eswitchMode()));
        if (vfsChange) {
            deleteOwnedDevices(handle, Set.of(), owned, steps); // their VFs are about to go
            setNumVfs(pf, intent.numVfs(), steps);
        }
        if (eswitchChange) steps.add(new Step.SetEswitchMode(pf, intent.eswitchMode()));
        if (vfsChange || eswitchChange) return;

        for (VirtualFunction vf : st.vfs()) {
            NodePolicy policy = intent.policyOf(vf.index()).orElse(null);
            if (policy == null) continue;
            if (vf.pciAddress() != null && !driverAsAsked(vf, policy)) {
                steps.add(new Step.BindVfDriver(pf, vf, policy.deviceType() == DeviceType.VFIO_PCI ? VFIO_PCI : null));
                continue;
            }
            if (policy.vdpaType() == null) continue;
            String name = DeviceNames.vdpa(pf, vf);
            wanted.add(name);
            String mgmt = managementDevice(pf, vf, policy, obs, problems);
            if (mgmt == null) continue;
            var device = new NewDevice(name, mgmt, mac(node, name, vf, policy), policy.mtu(), policy.maxVqPairs());
            VdpaDriver driver = policy.vdpaType() == VdpaType.VHOST ? VdpaDriver.VHOST_VDPA : VdpaDriver.VIRTIO_VDPA;
            ProvisionedDevice found = obs.vdpaDevices().get(name);
            if (found == null) {
                steps.add(new Step.CreateVdpa(handle, device, driver));
            } else if (!differences(found, device).isEmpty()) {
                if (owned.ownsDevice(name)) {
                    steps.add(new Step.DeleteVdpa(handle, name));
                    steps.add(new Step.CreateVdpa(handle, device, driver));
                } else {
                    problems.add(Problem.of(name, "vdpa device " + name + " exists and differs (" + String.join(", ", differences(found, device))
                            + ") but the agent did not create it: left alone"));
                }
            } else if (found.driver() != driver || found.endpoint() instanceof ProvisionedDevice.NoEndpoint) {
                steps.add(new Step.BindVdpa(handle, device, driver));
            }
        }
        deleteOwnedDevices(handle, wanted, owned, steps);
    }

    /** vfio-pci for a vfio-pci policy; for a netdevice one, any driver but vfio-pci (the NIC's own). */
    private static boolean driverAsAsked(VirtualFunction vf, NodePolicy policy) {
        if (policy.deviceType() == DeviceType.VFIO_PCI) return VFIO_PCI.equals(vf.driver());
        return vf.driver() != null && !vf.driver().equals(VFIO_PCI);
    }

    /** The kernel refuses a change between two non-zero counts (EBUSY): through 0. */
    private static void setNumVfs(PhysicalFunction pf, int numVfs, List<Step> steps) {
        if (pf.numVfs() != 0 && numVfs != 0) steps.add(new Step.SetNumVfs(pf, 0));
        steps.add(new Step.SetNumVfs(pf, numVfs));
    }

    private static void deleteOwnedDevices(String handle, Set<String> keep, OwnedState owned, List<Step> steps) {
        for (var e : owned.vdpaDevices().entrySet()) {
            if (e.getValue().equals(handle) && !keep.contains(e.getKey())) steps.add(new Step.DeleteVdpa(handle, e.getKey()));
        }
    }

    /** A PF that left the desired state goes back to what the agent found; it is forgotten once it is. */
    private static void restore(String handle, OwnedState.PfRecord before, Observation obs, List<Step> steps) {
        PfState st = obs.pf(handle).orElse(null);
        if (st == null) {
            steps.add(new Step.ForgetPf(handle, before.netdev())); // the PF itself is gone (driver unloaded): nothing to restore
            return;
        }
        int size = steps.size();
        if (st.pf().numVfs() != before.numVfs()) setNumVfs(st.pf(), before.numVfs(), steps);
        if (before.eswitchMode() != null && st.eswitchMode() != null && st.eswitchMode() != before.eswitchMode()) {
            steps.add(new Step.SetEswitchMode(st.pf(), before.eswitchMode()));
        }
        if (steps.size() == size) steps.add(new Step.ForgetPf(handle, before.netdev()));
    }

    /** The VF's own management device ({@code pci/<VF>}, e.g. mlx5_vdpa's), else the policy's software one. */
    private static String managementDevice(PhysicalFunction pf, VirtualFunction vf, NodePolicy policy, Observation obs, List<Problem> problems) {
        String own = vf.pciAddress() == null ? null : "pci/" + vf.pciAddress();
        if (own != null && obs.mgmtDevices().contains(own)) return own;
        String software = policy.vdpaMgmtDevice();
        if (software != null && obs.mgmtDevices().contains(software)) return software;
        String subject = vf.pciAddress() != null ? vf.pciAddress() : pf.netdev() + " VF " + vf.index();
        problems.add(Problem.of(subject, "policy " + policy.name() + ": VF " + vf.index() + " of PF " + pf + " offers no vDPA management device"
                + (own == null ? "" : " (no " + own + " in `vdpa mgmtdev show`: is the NIC's vDPA driver, e.g. mlx5_vdpa, loaded?)")
                + (software == null ? "" : "; vdpaMgmtDevice " + software + " is not there either (modprobe vdpa_sim_net?)")));
        return null;
    }

    private static MacAddress mac(String node, String name, VirtualFunction vf, NodePolicy policy) {
        return switch (policy.macPolicy()) {
            case VF -> vf.mac() == null ? null : MacAddress.parse(vf.mac());
            case RANDOM -> derivedMac(node, name);
            case NONE -> null;
        };
    }

    /**
     * A locally administered unicast MAC drawn from the node and device names: random-looking across devices, the
     * same on every run, so a rerun finds the device it made identical.
     */
    static MacAddress derivedMac(String node, String device) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : (node + "/" + device).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        byte[] six = new byte[6];
        for (int i = 0; i < 6; i++) six[i] = (byte) (h >>> (8 * i));
        six[0] = (byte) ((six[0] & 0xfc) | 0x02);
        return MacAddress.of(six);
    }

    static List<String> differences(ProvisionedDevice found, NewDevice wanted) {
        var out = new ArrayList<String>();
        if (!found.mgmtDevice().equals(wanted.mgmtDevice())) out.add("mgmtdev " + found.mgmtDevice() + ", wanted " + wanted.mgmtDevice());
        if (wanted.mac() != null && found.mac() != null && !wanted.mac().equals(found.mac())) out.add("mac " + found.mac() + ", wanted " + wanted.mac());
        if (wanted.mtu() != null && found.mtu() != null && !wanted.mtu().equals(found.mtu())) out.add("mtu " + found.mtu() + ", wanted " + wanted.mtu());
        return out;
    }

}
