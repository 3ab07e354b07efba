package io.vhostpath.operator.kernel;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vhostpath.deviceplugin.DevicePluginDaemon;
import io.vhostpath.deviceplugin.FakeKubelet;
import io.vhostpath.deviceplugin.PluginSettings;
import io.vhostpath.deviceplugin.api.ListAndWatchResponse;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.node.kernel.Netdevsim;
import io.vhostpath.operator.agent.NodeStateAgent;
import io.vhostpath.operator.agent.NodeStateAgentMain;
import io.vhostpath.operator.customresource.NicSelector;
import io.vhostpath.operator.customresource.PolicySpec;
import io.vhostpath.operator.customresource.VhostVdpaNodePolicy;
import io.vhostpath.operator.customresource.VhostVdpaNodeState;
import io.vhostpath.operator.reconciler.PolicyController;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything inside the QEMU guest, nothing leaving it: fabric8's mock API server (CRUD), the controller, the
 * API-driven node agent on the guest's kernel (a netdevsim PF, the vDPA simulator), and the device plugin with the
 * kubelet-protocol peer. A policy becomes a node state, devices bound to vhost_vdpa, a Ready status with the /dev
 * paths back in the API, and devices the plugin advertises; the policy deleted, the devices go, its finalizer is
 * released and it is gone.
 */
@Tag("kernel")
@EnableKubernetesMockClient(crud = true, https = false) // no certificate to generate in an interpreted JVM
class KernelOperatorEndToEndTest {
    private static final int ID = 12;
    private static final String NS = "vhostpath";
    private static final Duration SLOW = Duration.ofSeconds(180); // an interpreted JVM under TCG
    static KubernetesClient client;
    @TempDir Path tmp;

    @Test
    void a_policy_provisions_the_guest_and_its_deletion_unprovisions_it() throws Exception {
        // The mock client's 10 s request timeout is too short for an interpreted JVM under TCG (a create once timed out).
        try (var patient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withRequestTimeout((int) SLOW.toMillis()).build()).build()) {
            provisionAndUnprovision(patient);
        }
    }

    private void provisionAndUnprovision(KubernetesClient client) throws Exception {
        String pf = Netdevsim.fresh(ID);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).createOr(NonDeletingOperation::update);
        client.resource(new NodeBuilder().withNewMetadata().withName("guest").withLabels(Map.of("vhostpath.io/sriov", "true")).endMetadata().build()).create();
        var spec = new PolicySpec();
        spec.resourceName = "vdpa_guest";
        spec.numVfs = 2;
        spec.eSwitchMode = "switchdev";
        spec.vdpaType = "vhost";
        spec.vdpaMgmtDevice = "vdpasim_net";
        spec.nodeSelector = Map.of("vhostpath.io/sriov", "true");
        spec.nicSelector = new NicSelector();
        spec.nicSelector.pfNames = List.of(pf);
        var policy = new VhostVdpaNodePolicy();
        policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(NS).withName("guest-vdpa").build());
        policy.setSpec(spec);

        Path desiredFile = tmp.resolve("agent/desired-state.json");
        var log = new ByteArrayOutputStream();
        var poller = Executors.newSingleThreadScheduledExecutor();
        try (var controller = new PolicyController(client, NS).start(600_000);
             var agent = new NodeStateAgent(client, "guest", () -> NodeStateAgentMain.session(tmp.resolve("agent/owned.json")), desiredFile).start(5_000);
             var kubelet = new FakeKubelet(Files.createDirectories(tmp.resolve("device-plugins")))) {
            long t0 = System.nanoTime();
            client.resource(policy).create();

            await().atMost(SLOW).untilAsserted(() -> {
                var s = client.resources(VhostVdpaNodeState.class).withName("guest").get();
                assertTrue(s != null && s.getStatus() != null && s.getMetadata().getGeneration().equals(s.getStatus().observedGeneration), "no current status");
                var paths = new ArrayList<String>();
                for (var p : s.getStatus().pfs) for (var vf : p.vfs) if (vf.vdpaDevice != null && vf.vdpaDevice.path != null) paths.add(vf.vdpaDevice.path);
                assertEquals(2, paths.size(), s.getStatus().toString());
                for (String path : paths) assertTrue(Files.exists(Path.of(path)), path);
                assertEquals("True", s.getStatus().conditions.getFirst().getStatus(), s.getStatus().toString());
            });
            await().atMost(SLOW).untilAsserted(() -> {
                var st = client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).withName("guest-vdpa").get().getStatus();
                assertTrue(st != null && st.readyNodes == 1 && st.devices == 2, String.valueOf(st));
            });
            System.out.println("guest end to end: policy -> 2 devices bound, Ready in the API after " + (System.nanoTime() - t0) / 1_000_000 + " ms");

            // the device plugin of this node, fed by the agent's desired-state file
            var daemon = new DevicePluginDaemon("vhostpath.io", () -> read(desiredFile), NodeSysfs.system(), VdpaSysfs.system(),
                    new PluginSettings(kubelet.dir, tmp.resolve("devinfo"), null, false), new PrintStream(log, true));
            poller.scheduleWithFixedDelay(() -> {
                try {
                    daemon.poll();
                } catch (Exception | Error e) {
                    e.printStackTrace(new PrintStream(log, true));
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            var registration = kubelet.nextRegistration(SLOW.toMillis());
            assertTrue(registration != null && registration.getResourceName().equals("vhostpath.io/vdpa_guest"), "registration: " + log);
            var channel = kubelet.dial(registration);
            BlockingQueue<ListAndWatchResponse> lists = FakeKubelet.watch(channel);
            await().atMost(SLOW).until(() -> {
                var l = lists.poll(100, TimeUnit.MILLISECONDS);
                return l != null && l.getDevicesCount() == 2 && l.getDevicesList().stream().allMatch(d -> d.getHealth().equals("Healthy"));
            });

            long t1 = System.nanoTime();
            client.resource(client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).withName("guest-vdpa").get()).delete();
            await().atMost(SLOW).untilAsserted(() -> assertEquals(null, client.resources(VhostVdpaNodePolicy.class).inNamespace(NS).withName("guest-vdpa").get()));
            var ours = new ArrayList<String>();
            try (var s = Files.list(Path.of("/sys/bus/vdpa/devices"))) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vdpa:netdevsim" + ID)).forEach(ours::add);
            }
            assertEquals(List.of(), ours, "the agent removed its devices before the finalizer went");
            assertEquals("0", Files.readString(Netdevsim.numVfs(ID)).strip());
            System.out.println("guest end to end: policy deleted -> devices removed, finalizer released after " + (System.nanoTime() - t1) / 1_000_000 + " ms");
            channel.shutdownNow();
            poller.shutdownNow();
            poller.awaitTermination(10, TimeUnit.SECONDS);
            daemon.close();
        } finally {
            poller.shutdownNow();
            Netdevsim.remove(ID);
        }
    }

    private static DesiredState read(Path file) {
        try {
            return DesiredState.decode(Files.readString(file));
        } catch (java.io.IOException e) {
            return DesiredState.decode("{\"node\": \"guest\", \"policies\": []}"); // the agent has not written it yet
        }
    }
}
