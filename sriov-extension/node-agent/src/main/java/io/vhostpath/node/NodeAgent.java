package io.vhostpath.node;

import io.vhostpath.devlink.Devlink;
import io.vhostpath.devlink.DevlinkPort;
import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.netlink.NetlinkException;
import io.vhostpath.node.Observation.PfState;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.ProvisioningException;
import io.vhostpath.vdpa.VdpaProvisioner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reconciles the node to a desired state: observe, plan, run the steps, and again until a round has nothing left
 * to do. A failed step is a problem naming its PF, VF or device and errno; the rest of that PF waits for the next
 * pass, other PFs go on. Safe to kill at any point: every step is idempotent against what the next observation
 * finds, and {@link OwnedState} is written ahead of each change.
 */
public final class NodeAgent {
    private static final int ROUNDS = 8;
    private static final int EOPNOTSUPP = 95;

    /** Runs before each step; the crash drills use it to stop the agent at a chosen step. */
    public interface StepHook {
        void before(int number, Step step);
    }

    /** What a pass did and found. */
    public record Pass(Observation observed, List<PfIntent> intents, List<String> steps, List<Problem> problems) {
        public boolean converged() {
            return problems.isEmpty();
        }
    }

    private final NodeSysfs sysfs;
    private final Devlink devlink;
    private final VdpaProvisioner vdpa;
    private final OwnedState owned;
    private final StepHook hook;
    private int stepNumber;

    public NodeAgent(NodeSysfs sysfs, Devlink devlink, VdpaProvisioner vdpa, OwnedState owned, StepHook hook) {
        this.sysfs = sysfs;
        this.devlink = devlink;
        this.vdpa = vdpa;
        this.owned = owned;
        this.hook = hook;
    }

    public OwnedState owned() {
        return owned;
    }

    public Pass reconcile(DesiredState desired) {
        var done = new ArrayList<String>();
        var failures = new ArrayList<Problem>();
        var notes = new ArrayList<Problem>();
        Set<String> failedPfs = new HashSet<>();
        for (int round = 0; ; round++) {
            Observation obs;
            var problems = new ArrayList<Problem>();
            try {
                obs = observe();
            } catch (RuntimeException e) {
                problems.add(Problem.of(desired.node(), new RuntimeException("cannot observe the node: " + e.getMessage(), e)));
                problems.addAll(failures);
                return new Pass(new Observation(List.of(), Map.of(), Set.of()), List.of(), done, problems);
            }
            List<PfIntent> intents = Selection.resolve(desired, pfsOf(obs), problems);
            List<Step> steps = Planner.plan(desired.node(), intents, obs, owned, problems).stream()
                    .filter(s -> !failedPfs.contains(s.pfHandle())).toList();
            if (steps.isEmpty() || round == ROUNDS) {
                if (!steps.isEmpty()) problems.add(Problem.of(desired.node(), "not converged after " + ROUNDS + " rounds; left: " + steps));
                problems.addAll(failures);
                problems.addAll(notes);
                return new Pass(obs, intents, done, problems);
            }
            for (Step step : steps) {
                if (failedPfs.contains(step.pfHandle())) continue;
                hook.before(++stepNumber, step);
                try {
                    run(step, notes);
                    done.add(step.toString());
                } catch (RuntimeException e) {
                    failures.add(Problem.of(step.subject(), new RuntimeException(step + ": " + e.getMessage(), e)));
                    failedPfs.add(step.pfHandle());
                }
            }
        }
    }

    private static List<PhysicalFunction> pfsOf(Observation obs) {
        return obs.pfs().stream().map(PfState::pf).toList();
    }

    private void run(Step step, List<Problem> notes) {
        switch (step) {
            case Step.RecordPf r -> owned.recordPf(r.pfHandle(), new OwnedState.PfRecord(r.pf().netdev(), r.numVfs(), r.eswitchMode()));
            case Step.SetNumVfs s -> sysfs.setNumVfs(s.pf(), s.numVfs());
            case Step.SetEswitchMode s -> devlink.setEswitchMode(s.pfHandle(), s.mode());
            case Step.BindVfDriver b -> sysfs.bindDriver(b.vf(), b.driver());
            case Step.CreateVdpa c -> {
                owned.recordDevice(c.device().name(), c.pfHandle());
                create(c, notes);
            }
            case Step.BindVdpa b -> vdpa.provision(b.device(), b.driver());
            case Step.DeleteVdpa d -> {
                vdpa.release(d.name());
                owned.forgetDevice(d.name());
            }
            case Step.ForgetPf f -> owned.forgetPf(f.pfHandle());
        }
    }

    /** As upstream: a management device that refuses the queue-pair count gets the device without it. */
    private void create(Step.CreateVdpa c, List<Problem> notes) {
        NewDevice d = c.device();
        try {
            vdpa.provision(d, c.driver());
        } catch (ProvisioningException.KernelRefused e) {
            if (e.errno() != EOPNOTSUPP || d.maxVqPairs() == null) throw e;
            vdpa.provision(new NewDevice(d.name(), d.mgmtDevice(), d.mac(), d.mtu(), null), c.driver());
            notes.add(new Problem(d.name(), EOPNOTSUPP, "vdpa device " + d.name() + ": mgmtdev " + d.mgmtDevice()
                    + " refused max_vqp " + d.maxVqPairs() + " (" + e.kernelMessage() + "); created with its default"));
        }
    }

    /** The node now: PFs (with eswitch mode and representors from devlink), vDPA devices, management devices. */
    public Observation observe() {
        var pfs = new ArrayList<PfState>();
        List<DevlinkPort> ports = devlinkPorts();
        for (PhysicalFunction pf : sysfs.physicalFunctions()) {
            var reps = new HashMap<Integer, String>();
            for (DevlinkPort p : ports) {
                if (p.device().equals(pf.devlinkHandle()) && p.flavour() == DevlinkPort.Flavour.PCI_VF && p.netdev() != null) {
                    reps.put(p.vfNumber(), p.netdev());
                }
            }
            pfs.add(new PfState(pf, eswitchMode(pf), sysfs.virtualFunctions(pf), Map.copyOf(reps)));
        }
        Map<String, ProvisionedDevice> devices = vdpa.list().stream()
                .collect(Collectors.toMap(ProvisionedDevice::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        return new Observation(pfs, devices, vdpa.managementDevices());
    }

    /** The PF's eswitch mode, or null when its driver has none (no devlink device: ENODEV; no eswitch: EOPNOTSUPP). */
    private EswitchMode eswitchMode(PhysicalFunction pf) {
        try {
            return devlink.eswitchMode(pf.devlinkHandle());
        } catch (NetlinkException e) {
            return null;
        }
    }

    private List<DevlinkPort> devlinkPorts() {
        try {
            return devlink.ports();
        } catch (NetlinkException e) {
            return List.of(); // no devlink family (module not built): no representors to report
        }
    }
}
