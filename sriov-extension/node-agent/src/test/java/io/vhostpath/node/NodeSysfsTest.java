package io.vhostpath.node;

import io.vhostpath.sys.NativeError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeSysfsTest {
    @TempDir Path tmp;

    @Test
    void pfs_vfs_and_their_attributes_read_as_sysfs_shows_them() {
        var node = new FakeSriovNode(tmp.resolve("sys")).pciPf("ens1f0", "0000:65:00.0", "15b3", "101d", 8, 2, 1);
        PhysicalFunction pf = node.sysfs().physicalFunction("0000:65:00.0").orElseThrow();
        assertEquals(new PhysicalFunction("ens1f0", "pci", "0000:65:00.0", "15b3", "101d", 8, 2, 1), pf);
        assertEquals(List.of(new VirtualFunction(0, "0000:65:00.2", "mlx5_core", "0c:42:a1:00:00:00"),
                new VirtualFunction(1, "0000:65:00.3", "mlx5_core", "0c:42:a1:00:00:01")), node.sysfs().virtualFunctions(pf));
    }

    @Test
    void a_driver_that_is_not_loaded_is_named_with_the_modprobe_that_fixes_it() {
        var node = new FakeSriovNode(tmp.resolve("sys")).pciPf("ens1f0", "0000:65:00.0", "15b3", "101d", 8, 1);
        VirtualFunction vf = node.sysfs().virtualFunctions(node.sysfs().physicalFunctions().getFirst()).getFirst();
        var e = assertThrows(NodeException.class, () -> node.sysfs().bindDriver(vf, "vfio-pci"));
        assertTrue(e.getMessage().startsWith("VF 0000:65:00.2: driver vfio-pci is not loaded") && e.getMessage().endsWith("modprobe vfio-pci"),
                e.getMessage());
    }

    @Test
    void a_sysfs_write_that_fails_carries_the_errno() {
        var node = new FakeSriovNode(tmp.resolve("sys")).netdevsim(3, "eni3np1", 0);
        PhysicalFunction pf = node.sysfs().physicalFunction("eni3np1").orElseThrow();
        node.sys.resolve("devices/netdevsim3/sriov_numvfs").toFile().delete();
        var e = assertThrows(NativeError.class, () -> node.sysfs().setNumVfs(pf, 2));
        assertEquals(2, e.errno(), "ENOENT");
        assertTrue(e.getMessage().contains("sriov_numvfs"), e.getMessage());
    }
}
