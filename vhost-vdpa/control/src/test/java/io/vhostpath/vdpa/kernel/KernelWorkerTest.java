package io.vhostpath.vdpa.kernel;

import io.vhostpath.net.MacAddress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.VdpaClient;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.net.Links;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import io.vhostpath.vdpa.vhost.VhostVdpa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged worker (issue 2's data path) on a real kernel vDPA device: DPDK's virtio_user on
 * /dev/vhost-vdpa-0, the simulator looping every frame addressed to its MAC back to RX.
 */
@Tag("kernel")
class KernelWorkerTest {
    private static final String MAC = "02:11:22:33:44:55";
    private static final Path JAR = Path.of("vhost-vdpa/worker/target/vhostpath-worker.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATS = "http://127.0.0.1:9464/stats";
    private final VdpaClient vdpa = VdpaClient.open();
    private final VdpaProvisioner provisioner = new VdpaProvisioner(vdpa, VdpaSysfs.system(), Links::open);

    @AfterEach
    void cleanup() {
        for (var d : vdpa.devices()) vdpa.delete(d.name());
        vdpa.close();
    }

    private Process worker(Path log, Path summary, String... args) throws IOException {
        var cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", "vhost-vdpa:/dev/vhost-vdpa-0", "--hugepages", "off", "--memory", "256",
                "--descriptors", "256", "--mbufs", "4095", "--dst-mac", MAC, "--cpus", "1", "--summary-json", summary.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The worker's /stats document, retried while it starts: under TCG the worker needs seconds to serve. */
    private static JsonNode stats(HttpClient http, Process w, Path log) throws Exception {
        IOException last = null;
        for (int i = 0; i < 600 && w.isAlive(); i++) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(STATS)).build(), HttpResponse.BodyHandlers.ofString());
                return JSON.readTree(r.body());
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no /stats from the worker: " + last + "\n" + Files.readString(log));
    }

    /**
     * A /stats document sampled at least {@code laterSeconds} of the worker's time after the one current when this
     * call began: the worker refreshes it every interval. Under TCG an interpreted worker's snapshot can trail the
     * moment it is stamped by hundreds of milliseconds (seen: 416 probes at ~1 kpps), so the sample that must
     * follow an event is taken well after it.
     */
    private static JsonNode statsSampledFromNow(HttpClient http, Process w, Path log, double laterSeconds) throws Exception {
        double seen = stats(http, w, log).get("elapsed_seconds").asDouble();
        for (int i = 0; i < 1200; i++) {
            JsonNode s = stats(http, w, log);
            if (s.get("elapsed_seconds").asDouble() > seen + laterSeconds) return s;
            Thread.sleep(50);
        }
        throw new AssertionError("the worker's /stats stopped changing\n" + Files.readString(log));
    }

    /** The summary JSON of a worker that ended: exit 0, every mbuf back, its runtime directory gone. */
    private static JsonNode cleanSummary(Process w, Path summary, Path log) throws Exception {
        String out = Files.readString(log);
        assertEquals(0, w.exitValue(), out);
        JsonNode s = JSON.readTree(summary.toFile());
        assertEquals(0, s.get("exit_code").asInt(), out);
        assertEquals(0, s.get("teardown").get("mbufs_in_use").asLong(), s::toString);
        assertTrue(s.get("teardown").get("runtime_dir_removed").asBoolean(), s::toString);
        return s;
    }

    @Test
    void probes_loop_through_the_simulator_and_the_devices_vstats_agree_with_the_worker() throws Exception {
        var device = provisioner.provision(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse(MAC)),
                VdpaDriver.VHOST_VDPA);
        Path log = Files.createTempFile("worker", ".log");
        Path summary = Files.createTempFile("worker", ".json");
        var w = worker(log, summary, "--mode", "latency", "--rate", "20000", "--duration", "0", "--stats-interval", "200ms",
                "--http", "127.0.0.1:9464");
        try {
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // Wait for probes to come back before comparing: the first seconds under TCG are start-up.
            JsonNode before = null;
            for (int i = 0; i < 600 && (before == null || before.get("rx_packets").asLong() == 0); i++) {
                before = stats(http, w, log).get("ports").get(0);
                Thread.sleep(100);
            }
            assertTrue(before.get("rx_packets").asLong() > 0, () -> "no probe came back: " + log);
            before = statsSampledFromNow(http, w, log, 0).get("ports").get(0);
            var rxq = vdpa.vstats("vdpa0", 0);
            var txq = vdpa.vstats("vdpa0", 1);
            JsonNode after = statsSampledFromNow(http, w, log, 2.0).get("ports").get(0);
            // vdpa_sim_net's names: queue 0 is the driver's RX ("rx packets" delivered into it), queue 1 its TX.
            long simRx = counter(rxq.counters(), "rx packets");
            long simTx = counter(txq.counters(), "tx packets");
            System.out.println("vstats q0 " + rxq.counters() + " q1 " + txq.counters() + "; worker rx "
                    + before.get("rx_packets") + ".." + after.get("rx_packets") + " tx " + before.get("tx_packets") + ".."
                    + after.get("tx_packets"));
            // Both snapshots were sampled on either side of the vstats read; the device and the worker can differ by
            // at most a ring (256 descriptors) in flight.
            assertTrue(simTx >= before.get("tx_packets").asLong() - 256 && simTx <= after.get("tx_packets").asLong() + 256,
                    "tx vstats " + simTx + " vs worker " + before + " / " + after);
            assertTrue(simRx >= before.get("rx_packets").asLong() - 256 && simRx <= after.get("rx_packets").asLong() + 256,
                    "rx vstats " + simRx + " vs worker " + before + " / " + after);
            assertTrue(after.get("rx_packets").asLong() > before.get("rx_packets").asLong(), after::toString);
            assertEquals(0, after.get("reordered").asLong(), after::toString);
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(w.pid())).start().waitFor();
            assertTrue(w.waitFor(60, TimeUnit.SECONDS));
        }
        String out = Files.readString(log);
        assertTrue(out.contains("Backend type detected: VHOST_VDPA") || out.contains("driver net_virtio_user"), out);
        JsonNode s = cleanSummary(w, summary, log);
        assertTrue(s.get("ports").get(0).get("latency_ns").get("count").asLong() > 0, s::toString);

        // The device is free again: the ioctl view opens it (vhost-vdpa allows one opener), and a new run forwards.
        try (var vhost = VhostVdpa.open(device.vhostNode().orElseThrow().path())) {
            assertEquals(1, vhost.deviceId());
        }
        Path again = Files.createTempFile("worker-again", ".log");
        Path againSummary = Files.createTempFile("worker-again", ".json");
        var w2 = worker(again, againSummary, "--mode", "io", "--tx-first", "4", "--duration", "3s", "--http", "off");
        assertTrue(w2.waitFor(120, TimeUnit.SECONDS));
        JsonNode s2 = cleanSummary(w2, againSummary, again);
        assertTrue(s2.get("ports").get(0).get("rx_packets").asLong() > 1000, s2::toString);
    }

    @Test
    void a_device_another_process_holds_is_refused_with_ebusy_before_dpdk_starts() throws Exception {
        var device = provisioner.provision(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse(MAC)),
                VdpaDriver.VHOST_VDPA);
        Path log = Files.createTempFile("worker-busy", ".log");
        try (var holder = VhostVdpa.open(device.vhostNode().orElseThrow().path())) {
            var w = worker(log, Files.createTempFile("worker-busy", ".json"), "--mode", "io", "--duration", "1s", "--http", "off");
            assertTrue(w.waitFor(120, TimeUnit.SECONDS));
            String out = Files.readString(log);
            assertEquals(1, w.exitValue(), out);
            assertTrue(out.contains("error: cannot open /dev/vhost-vdpa-0: errno=16 (Device or resource busy)")
                    && out.contains("fix: another process"), out);
            assertTrue(!out.contains("EAL:"), "refused before EAL started: " + out);
        }
    }

    private static long counter(java.util.Map<String, Long> counters, String name) {
        Long v = counters.get(name);
        if (v == null) throw new AssertionError("vstats has no " + name + ": " + counters);
        return v;
    }
}
