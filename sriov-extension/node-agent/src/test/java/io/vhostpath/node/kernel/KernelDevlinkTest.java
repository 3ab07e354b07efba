package io.vhostpath.node.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostpath.devlink.Devlink;
import io.vhostpath.devlink.DevlinkPort;
import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.netlink.NetlinkException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The devlink client against a real kernel in the QEMU guest: a netdevsim device (a simulated SR-IOV PF with a
 * devlink instance) switched to switchdev, its VFs' representor ports listed, each answer compared with iproute2's
 * {@code devlink -j}.
 */
@Tag("kernel")
class KernelDevlinkTest {
    private static final String DEVICE = "netdevsim/netdevsim7";
    private static final Path NSIM = Path.of("/sys/bus/netdevsim");
    private static final ObjectMapper JSON = new ObjectMapper();
    private Devlink devlink;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(NSIM.resolve("new_device"), "7 1");
        devlink = Devlink.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        devlink.close();
        Files.writeString(NSIM.resolve("del_device"), "7");
    }

    private static JsonNode iproute2(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of("devlink", "-j"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return JSON.readTree(out);
    }

    @Test
    void devices_and_the_eswitch_mode_agree_with_iproute2_and_switchdev_gives_vf_representors() throws Exception {
        assertTrue(devlink.devices().contains(DEVICE), devlink.devices().toString());
        var listed = new ArrayList<String>();
        iproute2("dev", "show").get("dev").fieldNames().forEachRemaining(listed::add);
        assertEquals(listed, devlink.devices());

        assertEquals(EswitchMode.LEGACY, devlink.eswitchMode(DEVICE));
        assertEquals("legacy", iproute2("dev", "eswitch", "show", DEVICE).get("dev").get(DEVICE).get("mode").asText());
        devlink.setEswitchMode(DEVICE, EswitchMode.SWITCHDEV);
        assertEquals(EswitchMode.SWITCHDEV, devlink.eswitchMode(DEVICE));
        assertEquals("switchdev", iproute2("dev", "eswitch", "show", DEVICE).get("dev").get(DEVICE).get("mode").asText());

        Files.writeString(NSIM.resolve("devices/netdevsim7/sriov_numvfs"), "2");
        List<DevlinkPort> ports = devlink.ports(DEVICE);
        JsonNode shown = iproute2("port", "show").get("port");
        assertEquals(3, ports.size(), ports.toString());
        for (DevlinkPort p : ports) {
            JsonNode q = shown.get(p.handle());
            assertTrue(q != null, p.handle() + " not in " + shown);
            assertEquals(q.get("flavour").asText(), p.flavour().iproute2Name(), p.toString());
            assertEquals(q.path("netdev").asText(null), p.netdev(), p.toString());
            assertEquals(q.path("pfnum").asInt(-1), p.pfNumber(), p.toString());
            assertEquals(q.path("vfnum").asInt(-1), p.vfNumber(), p.toString());
        }
        var vfs = ports.stream().filter(p -> p.flavour() == DevlinkPort.Flavour.PCI_VF).map(DevlinkPort::vfNumber).sorted().toList();
        assertEquals(List.of(0, 1), vfs, "one representor port per VF");
        // Each VF representor's netdev says which VF it stands for, as the CNI plugin reads it from sysfs.
        for (DevlinkPort p : ports) {
            if (p.flavour() != DevlinkPort.Flavour.PCI_VF) continue;
            assertEquals("pf0vf" + p.vfNumber(), Files.readString(Path.of("/sys/class/net", p.netdev(), "phys_port_name")).strip());
        }
        Files.writeString(NSIM.resolve("devices/netdevsim7/sriov_numvfs"), "0");
    }

    @Test
    void a_device_that_does_not_exist_is_refused_with_the_kernels_errno() {
        var e = assertThrows(NetlinkException.class, () -> devlink.eswitchMode("netdevsim/netdevsim99"));
        assertTrue(e.getMessage().contains("devlink dev eswitch show netdevsim/netdevsim99"), e.getMessage());
        assertEquals(19, e.errno(), "ENODEV");
    }
}
