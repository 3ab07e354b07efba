package io.vhostpath.deviceplugin;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vhostpath.deviceplugin.api.AllocateRequest;
import io.vhostpath.deviceplugin.api.AllocateResponse;
import io.vhostpath.deviceplugin.api.ContainerAllocateRequest;
import io.vhostpath.deviceplugin.api.ContainerAllocateResponse;
import io.vhostpath.deviceplugin.api.ContainerPreferredAllocationRequest;
import io.vhostpath.deviceplugin.api.DeviceSpec;
import io.vhostpath.deviceplugin.api.DevicePluginGrpc;
import io.vhostpath.deviceplugin.api.Empty;
import io.vhostpath.deviceplugin.api.ListAndWatchResponse;
import io.vhostpath.deviceplugin.api.PreStartContainerRequest;
import io.vhostpath.deviceplugin.api.PreferredAllocationRequest;
import io.vhostpath.deviceplugin.api.RegisterRequest;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.FakeSriovNode;
import io.vhostpath.text.JsonReader;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device plugin against a kubelet-protocol peer over real unix sockets, on a fake sysfs tree whose /dev nodes
 * are real character devices (mknod): registration, ListAndWatch, Allocate, preferred allocation, health flips,
 * kubelet restarts, stale sockets, and that none of it grows the process.
 */
class DevicePluginTest {
    private static final String PF1 = "0000:65:00.0";
    private static final String PF2 = "0000:66:00.0";
    private static final String RESOURCE = "vhostpath.io/vdpa_vhost";
    private static final long POLL_MS = 100;
    @TempDir Path tmp;
    private FakeSriovNode node;
    private FakeKubelet kubelet;
    private DevicePluginDaemon daemon;
    private ScheduledExecutorService poller;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        node = new FakeSriovNode(tmp.resolve("sys")).pciPf("ens1f0", PF1, "15b3", "101d", 8, 2, 0).pciPf("ens2f0", PF2, "15b3", "101d", 8, 2, 1);
        for (int i = 0; i < 4; i++) node.vdpaDevice(vdpa(i), vf(i), "vhost_vdpa", i);
        Path plugins = Files.createDirectories(tmp.resolve("device-plugins"));
        Files.writeString(plugins.resolve("vhostpath-stale.sock"), "left by a killed plugin");
        kubelet = new FakeKubelet(plugins);
        DesiredState desired = DesiredState.decode("""
                {"node": "n", "policies": [{"name": "v", "resourceName": "vdpa_vhost", "numVfs": 2, "eSwitchMode": "switchdev",
                 "vdpaType": "vhost", "nicSelector": {"pfNames": ["ens1f0", "ens2f0"]}}]}""");
        daemon = new DevicePluginDaemon("vhostpath.io", () -> desired, node.sysfs(), new VdpaSysfs(node.sys, node.dev),
                new PluginSettings(plugins, tmp.resolve("devinfo"), tmp.resolve("cdi"), true), new PrintStream(log, true));
        poller = Executors.newSingleThreadScheduledExecutor();
        poller.scheduleWithFixedDelay(() -> {
            try {
                daemon.poll();
            } catch (Exception | Error e) {
                e.printStackTrace(new PrintStream(log, true));
            }
        }, 0, POLL_MS, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        poller.shutdownNow();
        poller.awaitTermination(5, TimeUnit.SECONDS);
        daemon.close();
        kubelet.close();
    }

    /** VF i: the first two on PF1, the next two on PF2. */
    private static String vf(int i) {
        return FakeSriovNode.vfAddress(i < 2 ? PF1 : PF2, i % 2);
    }

    private static String vdpa(int i) {
        return "vdpa:" + vf(i);
    }

    private RegisterRequest registered() throws InterruptedException {
        RegisterRequest r = kubelet.nextRegistration(5000);
        assertNotNull(r, "no registration; plugin log: " + log);
        return r;
    }

    private static ListAndWatchResponse next(BlockingQueue<ListAndWatchResponse> lists, Predicate<ListAndWatchResponse> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            ListAndWatchResponse r = lists.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && until.test(r)) return r;
        }
        throw new AssertionError("no such list within 5 s");
    }

    private static String health(ListAndWatchResponse r, String id) {
        return r.getDevicesList().stream().filter(d -> d.getID().equals(id)).findFirst().orElseThrow().getHealth();
    }

    private static AllocateResponse allocate(ManagedChannel ch, String... ids) {
        return DevicePluginGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS).allocate(AllocateRequest.newBuilder()
                .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIds(List.of(ids))).build());
    }

    @Test
    void registers_once_and_lists_every_vf_healthy_with_its_numa_node_and_removes_stale_sockets() throws Exception {
        RegisterRequest r = registered();
        assertEquals("v1beta1", r.getVersion());
        assertEquals("vhostpath-vdpa_vhost.sock", r.getEndpoint());
        assertEquals(RESOURCE, r.getResourceName());
        assertTrue(r.getOptions().getGetPreferredAllocationAvailable());
        assertTrue(r.getOptions().getPreStartRequired());
        assertFalse(Files.exists(kubelet.dir.resolve("vhostpath-stale.sock")), "stale socket removed at start");
        ManagedChannel ch = kubelet.dial(r);
        ListAndWatchResponse list = FakeKubelet.watch(ch).poll(5, TimeUnit.SECONDS);
        assertNotNull(list);
        assertEquals(List.of(vf(0), vf(1), vf(2), vf(3)), list.getDevicesList().stream().map(d -> d.getID()).toList());
        for (var d : list.getDevicesList()) assertEquals("Healthy", d.getHealth());
        assertEquals(List.of(0L, 0L, 1L, 1L), list.getDevicesList().stream().map(d -> d.getTopology().getNodes(0).getID()).toList());
        assertEquals(null, kubelet.nextRegistration(3 * POLL_MS), "registered once, not on every poll");
        ch.shutdownNow();
    }

    @Test
    void allocate_gives_the_node_rw_the_upstream_env_a_device_info_file_and_cdi_names() throws Exception {
        ManagedChannel ch = kubelet.dial(registered());
        FakeKubelet.watch(ch).poll(5, TimeUnit.SECONDS);
        ContainerAllocateResponse c = allocate(ch, vf(1), vf(0)).getContainerResponses(0);
        String n1 = node.dev.resolve("vhost-vdpa-1").toString();
        String n0 = node.dev.resolve("vhost-vdpa-0").toString();
        assertEquals(List.of(DeviceSpec.newBuilder().setHostPath(n1).setContainerPath(n1).setPermissions("rw").build(),
                DeviceSpec.newBuilder().setHostPath(n0).setContainerPath(n0).setPermissions("rw").build()), c.getDevicesList());
        assertEquals(vf(1) + "," + vf(0), c.getEnvsOrThrow("PCIDEVICE_VHOSTPATH_IO_VDPA_VHOST"));
        assertEquals(Map.of(vf(1), Map.of("generic", Map.of("deviceID", vf(1)), "vdpa", Map.of("mount", n1)),
                        vf(0), Map.of("generic", Map.of("deviceID", vf(0)), "vdpa", Map.of("mount", n0))),
                JsonReader.parseObject(c.getEnvsOrThrow("PCIDEVICE_VHOSTPATH_IO_VDPA_VHOST_INFO")));
        assertEquals(List.of(RESOURCE + "=" + vf(1), RESOURCE + "=" + vf(0)), c.getCdiDevicesList().stream().map(d -> d.getName()).toList());
        Path info = tmp.resolve("devinfo/vhostpath.io-vdpa_vhost-" + vf(1) + "-device.json");
        assertEquals(Map.of("type", "vdpa", "version", "1.1.0", "vdpa", Map.of("parent-device", vdpa(1), "driver", "vhost", "path", n1,
                "pci-address", vf(1))), JsonReader.parseObject(Files.readString(info)));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(info)));
        var spec = JsonReader.parseObject(Files.readString(tmp.resolve("cdi/vhostpath.io-vdpa_vhost.json")));
        assertEquals(RESOURCE, spec.get("kind"));
        assertEquals(4, ((List<?>) spec.get("devices")).size());

        var unknown = assertThrows(StatusRuntimeException.class, () -> allocate(ch, "0000:99:00.9"));
        assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().contains("unknown device 0000:99:00.9"));
        ch.shutdownNow();
    }

    @Test
    void a_device_that_goes_is_rebound_or_loses_its_node_turns_unhealthy_within_a_second_and_healthy_when_back() throws Exception {
        ManagedChannel ch = kubelet.dial(registered());
        BlockingQueue<ListAndWatchResponse> lists = FakeKubelet.watch(ch);
        next(lists, r -> r.getDevicesCount() == 4);
        long worst = 0;
        Runnable[] breakIt = {
                () -> node.deleteVdpaDevice(vdpa(2), vf(2), 2),
                () -> node.vdpaDevice(vdpa(2), vf(2), "virtio_vdpa", 2),
                () -> {
                    try {
                        Files.delete(node.dev.resolve("vhost-vdpa-2"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }};
        for (Runnable b : breakIt) {
            long t0 = System.nanoTime();
            b.run();
            next(lists, r -> health(r, vf(2)).equals("Unhealthy"));
            worst = Math.max(worst, System.nanoTime() - t0);
            var refused = assertThrows(StatusRuntimeException.class, () -> allocate(ch, vf(2)));
            assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
            var preStart = assertThrows(StatusRuntimeException.class, () -> DevicePluginGrpc.newBlockingStub(ch)
                    .preStartContainer(PreStartContainerRequest.newBuilder().addDevicesIds(vf(2)).build()));
            assertTrue(preStart.getStatus().getDescription().contains("unhealthy"), preStart.getStatus().toString());
            long t1 = System.nanoTime();
            node.vdpaDevice(vdpa(2), vf(2), "vhost_vdpa", 2);
            next(lists, r -> health(r, vf(2)).equals("Healthy"));
            worst = Math.max(worst, System.nanoTime() - t1);
        }
        assertTrue(worst < TimeUnit.SECONDS.toNanos(1), "slowest flip " + worst / 1_000_000 + " ms");
        System.out.println("device plugin: slowest health flip seen by the kubelet peer " + worst / 1_000_000 + " ms (poll " + POLL_MS + " ms)");
        ch.shutdownNow();
    }

    @Test
    void after_a_kubelet_restart_it_registers_again_within_a_second_and_serves_on_a_fresh_socket() throws Exception {
        registered();
        for (int round = 0; round < 3; round++) {
            kubelet.restart(round == 0 ? 0 : 3 * POLL_MS); // at once, and down across polls (no kubelet.sock for a while)
            long t0 = System.nanoTime();
            RegisterRequest again = registered();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "re-registered after " + ms + " ms");
            System.out.println("device plugin: re-registered " + ms + " ms after kubelet.sock was recreated");
            ManagedChannel ch = kubelet.dial(again);
            assertEquals(4, FakeKubelet.watch(ch).poll(5, TimeUnit.SECONDS).getDevicesCount());
            ch.shutdownNow();
        }
    }

    @Test
    void preferred_allocation_keeps_a_pod_on_one_pf_and_numa_node() throws Exception {
        ManagedChannel ch = kubelet.dial(registered());
        FakeKubelet.watch(ch).poll(5, TimeUnit.SECONDS);
        var stub = DevicePluginGrpc.newBlockingStub(ch);
        List<String> all = List.of(vf(0), vf(1), vf(2), vf(3));
        var withPf2 = stub.getPreferredAllocation(PreferredAllocationRequest.newBuilder().addContainerRequests(ContainerPreferredAllocationRequest
                .newBuilder().addAllAvailableDeviceIDs(all).addMustIncludeDeviceIDs(vf(3)).setAllocationSize(2)).build());
        assertEquals(List.of(vf(3), vf(2)), withPf2.getContainerResponses(0).getDeviceIDsList());
        var fresh = stub.getPreferredAllocation(PreferredAllocationRequest.newBuilder().addContainerRequests(ContainerPreferredAllocationRequest
                .newBuilder().addAllAvailableDeviceIDs(List.of(vf(0), vf(2), vf(3))).setAllocationSize(2)).build());
        assertEquals(List.of(vf(2), vf(3)), fresh.getContainerResponses(0).getDeviceIDsList(), "the PF with most free devices");
        ch.shutdownNow();
    }

    @Test
    void thousands_of_calls_and_watch_streams_leave_threads_streams_and_heap_where_they_were() throws Exception {
        RegisterRequest r = registered();
        ManagedChannel ch = kubelet.dial(r);
        FakeKubelet.watch(ch).poll(5, TimeUnit.SECONDS);
        Runnable round = () -> {
            for (int i = 0; i < 500; i++) allocate(ch, vf(i % 4));
            for (int i = 0; i < 50; i++) {
                ManagedChannel w = kubelet.dial(r);
                try {
                    FakeKubelet.watch(w).poll(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    w.shutdownNow();
                }
            }
        };
        round.run(); // warm up: classes, pools, caches
        var threads = ManagementFactory.getThreadMXBean();
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        int threadsBefore = threads.getThreadCount();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        for (int k = 0; k < 6; k++) round.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ResourcePlugin plugin = daemon.plugins().get("vdpa_vhost");
        while (plugin.watchers() > 1 && System.nanoTime() < deadline) Thread.sleep(50);
        System.gc();
        long grown = memory.getHeapMemoryUsage().getUsed() - heapBefore;
        System.out.println("device plugin: 3000 Allocate + 300 ListAndWatch streams: heap " + (grown >> 10) + " KiB after GC, threads "
                + threadsBefore + " -> " + threads.getThreadCount() + ", open streams " + plugin.watchers());
        assertEquals(1, plugin.watchers(), "closed streams are forgotten");
        assertTrue(threads.getThreadCount() <= threadsBefore + 2, threadsBefore + " -> " + threads.getThreadCount());
        assertTrue(grown < 16L << 20, "heap grew " + (grown >> 20) + " MiB");
        ch.shutdownNow();
    }
}
