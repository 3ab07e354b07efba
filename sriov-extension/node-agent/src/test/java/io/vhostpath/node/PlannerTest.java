package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.net.MacAddress;
import io.vhostpath.node.Observation.PfState;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VhostVdpaPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconcile plan on fake sysfs trees: what the agent would change, round by round, and what it leaves alone. */
class PlannerTest {
    private static final String PF = "0000:65:00.0";
    private static final String OTHER_PF = "0000:66:00.0";
    @TempDir Path tmp;
    private FakeSriovNode node;
    private OwnedState owned;
    private final Map<String, EswitchMode> eswitch = new HashMap<>();
    private final Map<String, ProvisionedDevice> vdpa = new LinkedHashMap<>();
    private final Set<String> mgmt = new TreeSet<>();
    private final List<Problem> problems = new ArrayList<>();

    private static DesiredState desired(String... policies) {
        return DesiredState.decode("{\"node\": \"worker-1\", \"policies\": [" + String.join(",", policies) + "]}");
    }

    private static String vhost(String pfNames, int numVfs) {
        return """
                {"name": "vhost", "resourceName": "vdpa_vhost", "numVfs": %d, "eSwitchMode": "switchdev", "vdpaType": "vhost",
                 "mtu": 1500, "macPolicy": "random", "nicSelector": {"vendor": "15b3", "pfNames": [%s]}}""".formatted(numVfs, pfNames);
    }

    @BeforeEach
    void node() {
        node = new FakeSriovNode(tmp.resolve("sys"))
                .pciPf("ens1f0", PF, "15b3", "101d", 8, 0)
                .pciPf("ens2f0", OTHER_PF, "15b3", "101d", 8, 2);
        owned = OwnedState.load(tmp.resolve("state/owned.json"));
    }

    private Observation observe() {
        var pfs = new ArrayList<PfState>();
        NodeSysfs sysfs = node.sysfs();
        for (PhysicalFunction pf : sysfs.physicalFunctions()) {
            pfs.add(new PfState(pf, eswitch.getOrDefault(pf.devlinkHandle(), EswitchMode.LEGACY), sysfs.virtualFunctions(pf), Map.of()));
        }
        return new Observation(pfs, vdpa, mgmt);
    }

    private List<Step> plan(DesiredState d) {
        problems.clear();
        Observation obs = observe();
        return Planner.plan(d.node(), Selection.resolve(d, obs.pfs().stream().map(PfState::pf).toList(), problems), obs, owned, problems);
    }

    private static List<String> described(List<Step> steps) {
        return steps.stream().map(Step::toString).toList();
    }

    /** Applies what the planner asked for to the fake node, as the agent would on a real one. */
    private void apply(List<Step> steps) {
        for (Step s : steps) {
            switch (s) {
                case Step.RecordPf r -> owned.recordPf(r.pfHandle(), new OwnedState.PfRecord(r.pf().netdev(), r.numVfs(), r.eswitchMode()));
                case Step.SetNumVfs n -> node.setVfs(n.pf().address(), n.numVfs());
                case Step.SetEswitchMode m -> eswitch.put(m.pfHandle(), m.mode());
                case Step.BindVfDriver b -> throw new AssertionError("not applied in these tests: " + b);
                case Step.CreateVdpa c -> {
                    owned.recordDevice(c.device().name(), c.pfHandle());
                    vdpa.put(c.device().name(), bound(c.device().name(), c.device().mgmtDevice(), c.device().mac(), c.device().mtu()));
                }
                case Step.BindVdpa b -> vdpa.put(b.device().name(), bound(b.device().name(), b.device().mgmtDevice(), b.device().mac(), b.device().mtu()));
                case Step.DeleteVdpa d -> {
                    vdpa.remove(d.name());
                    owned.forgetDevice(d.name());
                }
                case Step.ForgetPf f -> owned.forgetPf(f.pfHandle());
            }
        }
    }

    private static ProvisionedDevice bound(String name, String mgmtdev, MacAddress mac, Integer mtu) {
        int n = name.hashCode() & 0xff;
        return new ProvisionedDevice(name, mgmtdev, mac, mtu, null, VdpaDriver.VHOST_VDPA,
                new ProvisionedDevice.VhostNode(new VhostVdpaPath(name, Path.of("/dev/vhost-vdpa-" + n), 240, n)));
    }

    private void vfMgmtDevices(String pf, int numVfs) {
        for (int i = 0; i < numVfs; i++) mgmt.add("pci/" + FakeSriovNode.vfAddress(pf, i));
    }

    @Test
    void a_fresh_pf_gets_vfs_and_switchdev_first_then_one_vhost_device_per_vf_then_nothing() {
        DesiredState d = desired(vhost("\"ens1f0#0-3\"", 4));
        List<Step> first = plan(d);
        assertEquals(List.of(
                "record PF ens1f0 (pci/0000:65:00.0) as found: 0 VFs, eswitch legacy",
                "set sriov_numvfs of ens1f0 (pci/0000:65:00.0) to 4",
                "devlink dev eswitch set pci/0000:65:00.0 mode switchdev"), described(first));
        apply(first);
        vfMgmtDevices(PF, 4);
        List<Step> second = plan(d);
        assertEquals(4, second.size(), described(second).toString());
        var create = (Step.CreateVdpa) second.getFirst();
        assertEquals("vdpa:0000:65:00.2", create.device().name());
        assertEquals("pci/0000:65:00.2", create.device().mgmtDevice());
        assertEquals(1500, create.device().mtu());
        assertEquals(VdpaDriver.VHOST_VDPA, create.driver());
        assertTrue(create.device().mac().toString().matches("[0-9a-f][26ae]:.*"), "locally administered unicast: " + create.device().mac());
        apply(second);
        assertEquals(List.of(), plan(d), "converged: nothing left");
        assertEquals(List.of(), problems);
    }

    @Test
    void a_pf_outside_the_desired_state_is_never_named() {
        DesiredState d = desired(vhost("\"ens1f0\"", 4));
        for (int round = 0; round < 3; round++) {
            List<Step> steps = plan(d);
            for (Step s : steps) assertFalse(s.toString().contains(OTHER_PF) || s.toString().contains("ens2f0"), s.toString());
            apply(steps);
            vfMgmtDevices(PF, 4);
        }
        assertFalse(owned.ownsPf("pci/" + OTHER_PF));
    }

    @Test
    void a_vf_count_change_goes_through_zero_after_deleting_the_agents_devices_on_that_pf() {
        DesiredState d = desired(vhost("\"ens1f0\"", 4));
        apply(plan(d));
        vfMgmtDevices(PF, 4);
        apply(plan(d));
        assertEquals(4, owned.vdpaDevices().size());
        List<Step> steps = plan(desired(vhost("\"ens1f0\"", 2)));
        assertEquals(List.of("vdpa dev del vdpa:0000:65:00.2", "vdpa dev del vdpa:0000:65:00.3", "vdpa dev del vdpa:0000:65:00.4",
                "vdpa dev del vdpa:0000:65:00.5", "set sriov_numvfs of ens1f0 (pci/0000:65:00.0) to 0",
                "set sriov_numvfs of ens1f0 (pci/0000:65:00.0) to 2"), described(steps), "recorded once: no second RecordPf");
    }

    @Test
    void a_pf_leaving_the_desired_state_is_put_back_as_found_then_forgotten() {
        DesiredState d = desired(vhost("\"ens1f0\"", 2));
        for (int round = 0; round < 2; round++) {
            apply(plan(d));
            vfMgmtDevices(PF, 2);
        }
        DesiredState none = desired();
        List<Step> restore = plan(none);
        assertEquals(List.of("vdpa dev del vdpa:0000:65:00.2", "vdpa dev del vdpa:0000:65:00.3",
                "set sriov_numvfs of ens1f0 (pci/0000:65:00.0) to 0", "devlink dev eswitch set pci/0000:65:00.0 mode legacy"), described(restore));
        apply(restore);
        List<Step> forget = plan(none);
        assertEquals(List.of("forget PF ens1f0 (pci/0000:65:00.0): restored as found"), described(forget));
        apply(forget);
        assertEquals(List.of(), plan(none));
        assertTrue(owned.pfs().isEmpty() && owned.vdpaDevices().isEmpty());
    }

    @Test
    void a_device_the_agent_did_not_create_is_never_deleted_even_when_it_differs() {
        node.setVfs(PF, 2);
        eswitch.put("pci/" + PF, EswitchMode.SWITCHDEV);
        vfMgmtDevices(PF, 2);
        vdpa.put("vdpa:0000:65:00.2", bound("vdpa:0000:65:00.2", "pci/0000:65:00.2", null, 9000));
        List<Step> steps = plan(desired(vhost("\"ens1f0\"", 2)));
        assertEquals(List.of("vdpa dev add name vdpa:0000:65:00.3 mgmtdev pci/0000:65:00.3 mac " + Planner.derivedMac("worker-1", "vdpa:0000:65:00.3")
                + " mtu 1500, bind vhost_vdpa"), described(steps));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("vdpa:0000:65:00.2", problems.getFirst().subject());
        assertTrue(problems.getFirst().message().contains("mtu 9000, wanted 1500") && problems.getFirst().message().contains("did not create it"),
                problems.getFirst().message());
        assertFalse(owned.ownsPf("pci/" + PF), "already as asked: nothing changed on the PF, so it is not the agent's");
    }

    @Test
    void an_identical_device_bound_elsewhere_is_rebound_and_an_unbound_vf_is_probed() {
        node.setVfs(PF, 2).unbindVf(PF, 1);
        eswitch.put("pci/" + PF, EswitchMode.SWITCHDEV);
        vfMgmtDevices(PF, 2);
        String name = "vdpa:0000:65:00.2";
        vdpa.put(name, new ProvisionedDevice(name, "pci/0000:65:00.2", Planner.derivedMac("worker-1", name), 1500, null,
                VdpaDriver.VIRTIO_VDPA, new ProvisionedDevice.Netdev("eth9")));
        assertEquals(List.of("bind vdpa device vdpa:0000:65:00.2 to vhost_vdpa",
                "bind VF 1 (0000:65:00.3) of ens1f0 (pci/0000:65:00.0) to its default driver"), described(plan(desired(vhost("\"ens1f0\"", 2)))));
    }

    @Test
    void vfs_of_a_vfio_policy_go_to_vfio_pci_and_of_a_netdevice_policy_away_from_it() {
        node.setVfs(PF, 2);
        String vfio = """
                {"name": "dpdk", "resourceName": "vfio", "numVfs": 2, "deviceType": "vfio-pci", "nicSelector": {"pfNames": ["ens1f0#0-0"]}}""";
        String plain = """
                {"name": "kernel", "resourceName": "netdev", "numVfs": 2, "nicSelector": {"pfNames": ["ens1f0#1-1"]}}""";
        assertEquals(List.of("bind VF 0 (0000:65:00.2) of ens1f0 (pci/0000:65:00.0) to vfio-pci"), described(plan(desired(vfio, plain))));
        node.unbindVf(PF, 0);
        node.unbindVf(PF, 1);
        assertEquals(List.of("bind VF 0 (0000:65:00.2) of ens1f0 (pci/0000:65:00.0) to vfio-pci",
                "bind VF 1 (0000:65:00.3) of ens1f0 (pci/0000:65:00.0) to its default driver"), described(plan(desired(vfio, plain))));
    }

    @Test
    void a_vf_without_a_management_device_is_a_problem_naming_it_unless_the_policy_names_a_software_one() {
        node.setVfs(PF, 1);
        eswitch.put("pci/" + PF, EswitchMode.SWITCHDEV);
        assertEquals(List.of(), plan(desired(vhost("\"ens1f0\"", 1))));
        assertEquals("0000:65:00.2", problems.getFirst().subject());
        assertTrue(problems.getFirst().message().contains("no pci/0000:65:00.2 in `vdpa mgmtdev show`"), problems.getFirst().message());
        mgmt.add("vdpasim_net");
        String sim = vhost("\"ens1f0\"", 1).replace("\"macPolicy\"", "\"vdpaMgmtDevice\": \"vdpasim_net\", \"macPolicy\"");
        var create = (Step.CreateVdpa) plan(desired(sim)).getFirst();
        assertEquals("vdpasim_net", create.device().mgmtDevice());
    }

    @Test
    void netdevsim_vfs_have_no_pci_function_and_are_named_after_the_pf() {
        node.netdevsim(7, "eni7np1", 2);
        mgmt.add("vdpasim_net");
        eswitch.put("netdevsim/netdevsim7", EswitchMode.SWITCHDEV);
        String sim = """
                {"name": "sim", "resourceName": "vdpa_sim", "numVfs": 2, "eSwitchMode": "switchdev", "vdpaType": "vhost",
                 "vdpaMgmtDevice": "vdpasim_net", "macPolicy": "none", "nicSelector": {"pfNames": ["eni7np1"]}}""";
        List<Step> steps = plan(desired(sim));
        assertEquals(List.of("vdpa dev add name vdpa:netdevsim7-vf0 mgmtdev vdpasim_net, bind vhost_vdpa",
                "vdpa dev add name vdpa:netdevsim7-vf1 mgmtdev vdpasim_net, bind vhost_vdpa"), described(steps));
        PhysicalFunction pf = node.sysfs().physicalFunction("eni7np1").orElseThrow();
        assertEquals("netdevsim/netdevsim7", pf.devlinkHandle());
        assertEquals(null, pf.totalVfs());
        assertEquals(1, node.sysfs().physicalFunctions().stream().filter(p -> p.bus().equals("netdevsim")).count(),
                "representors share the device but are no PFs");
    }

    @Test
    void selection_problems_name_the_pf_and_the_limit() {
        plan(desired(vhost("\"ens9f0\"", 2)));
        assertEquals(List.of("policy vhost: PF ens9f0 not found on this node"), problems.stream().map(Problem::message).toList());
        plan(desired(vhost("\"ens1f0\"", 9)));
        assertEquals(List.of("policy vhost: PF ens1f0 (pci/0000:65:00.0) has sriov_totalvfs 8, numVfs 9 asked"),
                problems.stream().map(Problem::message).toList());
        String other = vhost("\"ens1f0\"", 2).replace("\"vendor\": \"15b3\"", "\"vendor\": \"8086\"");
        assertEquals(List.of(), plan(desired(other)), "every criterion must match: ens1f0 is no 8086");
    }

    @Test
    void derived_macs_are_stable_locally_administered_unicast_and_differ_per_device() {
        MacAddress a = Planner.derivedMac("worker-1", "vdpa:0000:65:00.2");
        assertEquals(a, Planner.derivedMac("worker-1", "vdpa:0000:65:00.2"));
        assertFalse(a.equals(Planner.derivedMac("worker-1", "vdpa:0000:65:00.3")));
        assertFalse(a.equals(Planner.derivedMac("worker-2", "vdpa:0000:65:00.2")));
        assertEquals(0x02, a.toBytes()[0] & 0x03, "locally administered, not multicast");
    }
}
