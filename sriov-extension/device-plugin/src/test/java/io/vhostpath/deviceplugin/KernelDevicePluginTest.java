package io.vhostpath.deviceplugin;

import io.grpc.ManagedChannel;
import io.vhostpath.deviceplugin.api.AllocateRequest;
import io.vhostpath.deviceplugin.api.ContainerAllocateRequest;
import io.vhostpath.deviceplugin.api.ContainerAllocateResponse;
import io.vhostpath.deviceplugin.api.DevicePluginGrpc;
import io.vhostpath.deviceplugin.api.ListAndWatchResponse;
import io.vhostpath.deviceplugin.api.RegisterRequest;
import io.vhostpath.devlink.Devlink;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.NodeAgent;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.node.OwnedState;
import io.vhostpath.node.kernel.Netdevsim;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.vdpa.sysfs.DeviceNode;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device plugin on the guest's real kernel: the node agent provisions a netdevsim PF's VFs with vDPA simulator
 * devices bound to vhost_vdpa, the plugin advertises them to the kubelet-protocol peer, Allocate hands out the real
 * {@code /dev/vhost-vdpa-N}, and {@code vdpa dev del} turns the device Unhealthy until the agent brings it back.
 */
@Tag("kernel")
class KernelDevicePluginTest {
    private static final int ID = 10;
    /** The guest runs interpreted under TCG (see kernel-tests.sh): slower than a node by far, so a looser bound here. */
    private static final long FLIP_BOUND_MS = 5000;
    @TempDir Path tmp;
    private DesiredState desired;
    private FakeKubelet kubelet;
    private DevicePluginDaemon daemon;
    private ScheduledExecutorService poller;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void provision() throws Exception {
        String pf = Netdevsim.fresh(ID);
        desired = DesiredState.decode("""
                {"node": "guest", "policies": [{"name": "sim", "resourceName": "vdpa_sim", "numVfs": 2, "eSwitchMode": "switchdev",
                 "vdpaType": "vhost", "vdpaMgmtDevice": "vdpasim_net", "nicSelector": {"pfNames": ["%s"]}}]}""".formatted(pf));
        converge();
        Path plugins = Files.createDirectories(tmp.resolve("device-plugins"));
        kubelet = new FakeKubelet(plugins);
        daemon = new DevicePluginDaemon("vhostpath.io", () -> desired, NodeSysfs.system(), VdpaSysfs.system(),
                new PluginSettings(plugins, tmp.resolve("devinfo"), null, false), new PrintStream(log, true));
        poller = Executors.newSingleThreadScheduledExecutor();
        poller.scheduleWithFixedDelay(() -> {
            try {
                daemon.poll();
            } catch (Exception | Error e) {
                e.printStackTrace(new PrintStream(log, true));
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    private void converge() {
        try (var devlink = Devlink.open(); var vdpa = VdpaProvisioner.system()) {
            var pass = new NodeAgent(NodeSysfs.system(), devlink, vdpa, OwnedState.load(tmp.resolve("agent/owned.json")), (n, s) -> { })
                    .reconcile(desired);
            assertTrue(pass.converged(), pass.problems().toString());
        }
    }

    @AfterEach
    void clean() throws Exception {
        poller.shutdownNow();
        poller.awaitTermination(10, TimeUnit.SECONDS);
        daemon.close();
        kubelet.close();
        desired = DesiredState.decode("{\"node\": \"guest\", \"policies\": []}");
        converge();
        Netdevsim.remove(ID);
    }

    private ListAndWatchResponse until(BlockingQueue<ListAndWatchResponse> lists, String id, String health) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            ListAndWatchResponse r = lists.poll(50, TimeUnit.MILLISECONDS);
            if (r != null && r.getDevicesList().stream().anyMatch(d -> d.getID().equals(id) && d.getHealth().equals(health))) return r;
        }
        throw new AssertionError(id + " never " + health + "; plugin log: " + log);
    }

    @Test
    void advertises_the_agents_devices_allocates_the_real_node_and_reports_a_deleted_device() throws Exception {
        RegisterRequest r = kubelet.nextRegistration(60_000);
        assertNotNull(r, "no registration: " + log);
        assertEquals("vhostpath.io/vdpa_sim", r.getResourceName());
        ManagedChannel ch = kubelet.dial(r);
        BlockingQueue<ListAndWatchResponse> lists = FakeKubelet.watch(ch);
        String vf0 = "vdpa:netdevsim" + ID + "-vf0";
        String vf1 = "vdpa:netdevsim" + ID + "-vf1";
        ListAndWatchResponse first = until(lists, vf1, "Healthy");
        assertEquals(List.of(vf0, vf1), first.getDevicesList().stream().map(d -> d.getID()).toList());

        ContainerAllocateResponse c = DevicePluginGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).allocate(AllocateRequest
                .newBuilder().addContainerRequests(ContainerAllocateRequest.newBuilder().addDevicesIds(vf0)).build()).getContainerResponses(0);
        Path node = Path.of(c.getDevices(0).getHostPath());
        assertEquals(VdpaSysfs.system().vhostDevice(vf0).path(), node);
        var stat = DeviceNode.stat(node);
        assertTrue(stat.character(), node + " is a character device");
        assertEquals("rw", c.getDevices(0).getPermissions());

        long t0 = System.nanoTime();
        Process del = new ProcessBuilder("vdpa", "dev", "del", vf1).inheritIO().start();
        assertEquals(0, del.waitFor());
        until(lists, vf1, "Unhealthy");
        long flip = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("guest device plugin: vdpa dev del -> Unhealthy at the kubelet peer in " + flip + " ms (interpreted JVM under TCG)");
        assertTrue(flip < FLIP_BOUND_MS, "flip took " + flip + " ms");
        converge();
        until(lists, vf1, "Healthy");
        ch.shutdownNow();
    }
}
