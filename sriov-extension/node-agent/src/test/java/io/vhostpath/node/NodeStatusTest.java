package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.node.Observation.PfState;
import io.vhostpath.text.Json;
import io.vhostpath.text.JsonReader;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VhostVdpaPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status lists every SR-IOV PF (the inventory a controller matches), marks the selected ones, and shows the devices. */
class NodeStatusTest {
    @TempDir Path tmp;

    @Test
    void every_pf_is_listed_the_selected_one_with_its_devices_and_the_problems_with_errno() {
        var node = new FakeSriovNode(tmp.resolve("sys")).pciPf("ens1f0", "0000:65:00.0", "15b3", "101d", 8, 1)
                .pciPf("ens2f0", "0000:66:00.0", "8086", "1592", 8, 0);
        DesiredState d = DesiredState.decode("""
                {"node": "n", "policies": [{"name": "v", "resourceName": "vdpa_vhost", "numVfs": 1, "eSwitchMode": "switchdev",
                 "vdpaType": "vhost", "nicSelector": {"pfNames": ["ens1f0"]}}]}""");
        var pfs = new ArrayList<PfState>();
        for (PhysicalFunction pf : node.sysfs().physicalFunctions()) {
            pfs.add(new PfState(pf, EswitchMode.SWITCHDEV, node.sysfs().virtualFunctions(pf), Map.of(0, "ens1f0_0")));
        }
        String name = "vdpa:0000:65:00.2";
        var device = new ProvisionedDevice(name, "pci/0000:65:00.2", null, 1500, null, VdpaDriver.VHOST_VDPA,
                new ProvisionedDevice.VhostNode(new VhostVdpaPath(name, Path.of("/dev/vhost-vdpa-3"), 240, 3)));
        var obs = new Observation(pfs, Map.of(name, device), Set.of("pci/0000:65:00.2"));
        var intents = Selection.resolve(d, node.sysfs().physicalFunctions(), new ArrayList<>());
        var pass = new NodeAgent.Pass(obs, intents, List.of(), List.of(new Problem("0000:65:00.2", 16, "busy")));
        var doc = JsonReader.parseObject(Json.write(NodeStatus.document(d, pass, OwnedState.load(tmp.resolve("o.json")), Instant.EPOCH)));
        assertEquals(Map.of("type", "Ready", "status", "False", "reason", "Problems", "message", "1 problem(s); the first: busy"),
                ((List<?>) doc.get("conditions")).getFirst());
        assertEquals(List.of(Map.of("subject", "0000:65:00.2", "errno", 16L, "message", "busy")), doc.get("problems"));
        var listed = (List<?>) doc.get("pfs");
        assertEquals(2, listed.size(), "every SR-IOV PF, selected or not");
        var first = (Map<?, ?>) listed.get(0);
        assertEquals(true, first.get("selected"));
        assertEquals(false, ((Map<?, ?>) listed.get(1)).get("selected"));
        assertEquals("0000:66:00.0", ((Map<?, ?>) listed.get(1)).get("address"));
        var vf = (Map<?, ?>) ((List<?>) first.get("vfs")).getFirst();
        assertEquals("ens1f0_0", vf.get("representor"));
        assertEquals("vdpa_vhost", vf.get("resourceName"));
        assertEquals("/dev/vhost-vdpa-3", ((Map<?, ?>) vf.get("vdpaDevice")).get("path"));
    }
}
