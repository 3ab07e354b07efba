package io.vhostpath.node;

import io.vhostpath.node.Observation.PfState;
import io.vhostpath.vdpa.ProvisionedDevice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's report after a pass, shaped like a Kubernetes status (conditions with type, status, reason, message)
 * so that the per-node resource can carry it as it is: every SR-IOV PF of the node (the NIC inventory a controller
 * matches policies against), whether the desired state selects it and the agent owns it, their VFs with
 * representor and vDPA device, the steps run, and every problem with its subject and errno.
 */
public final class NodeStatus {
    private NodeStatus() {}

    public static Map<String, Object> document(DesiredState desired, NodeAgent.Pass pass, OwnedState owned, Instant at) {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("node", desired.node());
        doc.put("time", at.toString());
        var ready = new LinkedHashMap<String, Object>();
        ready.put("type", "Ready");
        ready.put("status", pass.converged() ? "True" : "False");
        ready.put("reason", pass.converged() ? "Converged" : "Problems");
        ready.put("message", pass.converged() ? "the node matches the desired state"
                : pass.problems().size() + " problem(s); the first: " + pass.problems().getFirst().message());
        doc.put("conditions", List.of(ready));
        doc.put("steps", pass.steps());
        var problems = new ArrayList<Map<String, Object>>();
        for (Problem p : pass.problems()) {
            var m = new LinkedHashMap<String, Object>();
            m.put("subject", p.subject());
            if (p.errno() != 0) m.put("errno", p.errno());
            m.put("message", p.message());
            problems.add(m);
        }
        doc.put("problems", problems);
        var pfs = new ArrayList<Map<String, Object>>();
        for (PfState st : pass.observed().pfs()) {
            String handle = st.pf().devlinkHandle();
            PfIntent intent = pass.intents().stream().filter(i -> i.pf().devlinkHandle().equals(handle)).findFirst().orElse(null);
            pfs.add(pf(st, intent, pass.observed(), owned));
        }
        doc.put("pfs", pfs);
        return doc;
    }

    private static Map<String, Object> pf(PfState st, PfIntent intent, Observation obs, OwnedState owned) {
        PhysicalFunction pf = st.pf();
        var m = new LinkedHashMap<String, Object>();
        m.put("netdev", pf.netdev());
        m.put("devlink", pf.devlinkHandle());
        m.put("address", pf.address());
        m.put("selected", intent != null);
        if (pf.vendor() != null) m.put("vendor", pf.vendor());
        if (pf.deviceId() != null) m.put("deviceID", pf.deviceId());
        if (pf.totalVfs() != null) m.put("totalVfs", pf.totalVfs());
        m.put("numVfs", pf.numVfs());
        m.put("eswitchMode", st.eswitchMode() == null ? "none" : st.eswitchMode().iproute2Name());
        m.put("ownedByAgent", owned.ownsPf(pf.devlinkHandle()));
        var vfs = new ArrayList<Map<String, Object>>();
        for (VirtualFunction vf : st.vfs()) {
            var v = new LinkedHashMap<String, Object>();
            v.put("index", vf.index());
            if (vf.pciAddress() != null) v.put("pciAddress", vf.pciAddress());
            if (vf.driver() != null) v.put("driver", vf.driver());
            String rep = st.representors().get(vf.index());
            if (rep != null) v.put("representor", rep);
            NodePolicy policy = intent == null ? null : intent.policyOf(vf.index()).orElse(null);
            if (policy != null) v.put("resourceName", policy.resourceName());
            ProvisionedDevice d = obs.vdpaDevices().get(DeviceNames.vdpa(pf, vf));
            if (d != null) v.put("vdpaDevice", device(d, owned));
            vfs.add(v);
        }
        m.put("vfs", vfs);
        return m;
    }

    private static Map<String, Object> device(ProvisionedDevice d, OwnedState owned) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", d.name());
        m.put("mgmtdev", d.mgmtDevice());
        m.put("driver", d.driver() == null ? "none" : d.driver().sysfsName());
        switch (d.endpoint()) {
            case ProvisionedDevice.VhostNode v -> m.put("path", v.node().path().toString());
            case ProvisionedDevice.Netdev n -> m.put("netdev", n.name());
            case ProvisionedDevice.NoEndpoint x -> { }
        }
        if (d.mac() != null) m.put("mac", d.mac().toString());
        if (d.mtu() != null) m.put("mtu", d.mtu());
        m.put("ownedByAgent", owned.ownsDevice(d.name()));
        return m;
    }
}
