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
import java.util.regex.Pattern;

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
    private final VdpaClient vdpa = VdpaClient.open();
    private final VdpaProvisioner provisioner = new VdpaProvisioner(vdpa, VdpaSysfs.system(), Links::open);

    @AfterEach
    void cleanup() {
        for (var d : vdpa.devices()) vdpa.delete(d.name());
        vdpa.close();
    }

    private Process worker(Path log, String... args) throws IOException {
        var cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", "vhost-vdpa:/dev/vhost-vdpa-0", "--hugepages", "off", "--memory", "256",
                "--descriptors", "256", "--mbufs", "4095", "--dst-mac", MAC, "--cpus", "1"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The worker's /stats, retried for a while: under TCG the worker needs seconds to start serving. */
    private static JsonNode stats(HttpClient http, String base, Path log) throws Exception {
        IOException last = null;
        for (int i = 0; i < 100; i++) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
                return JSON.readTree(r.body()).get("ports").get(0);
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no /stats from the worker: " + last + "\n" + Files.readString(log));
    }

    @Test
    void probes_loop_through_the_simulator_and_the_devices_vstats_agree_with_the_worker() throws Exception {
        var device = provisioner.provision(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse(MAC)),
                VdpaDriver.VHOST_VDPA);
        Path log = Files.createTempFile("worker", ".log");
        var w = worker(log, "--mode", "latency", "--rate", "20000", "--duration", "0", "--stats-interval", "200ms",
                "--http", "127.0.0.1:9464");
        try {
            String out = "";
            for (int i = 0; i < 600 && !out.contains("rtt p50"); i++) {
                Thread.sleep(100);
                out = Files.readString(log);
                if (!w.isAlive()) break;
            }
            assertTrue(out.contains("Backend type detected: VHOST_VDPA") || out.contains("driver net_virtio_user"), out);
            assertTrue(out.contains("rtt p50"), out);
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            JsonNode before = stats(http, "http://127.0.0.1:9464", log);
            var rxq = vdpa.vstats("vdpa0", 0);
            var txq = vdpa.vstats("vdpa0", 1);
            Thread.sleep(500);
            JsonNode after = stats(http, "http://127.0.0.1:9464", log);
            // vdpa_sim_net's names: queue 0 is the driver's RX ("rx packets" delivered into it), queue 1 its TX.
            long simRx = counter(rxq.counters(), "rx packets");
            long simTx = counter(txq.counters(), "tx packets");
            System.out.println("vstats q0 " + rxq.counters() + " q1 " + txq.counters() + "; worker rx "
                    + before.get("rx_packets") + ".." + after.get("rx_packets") + " tx " + before.get("tx_packets") + ".."
                    + after.get("tx_packets"));
            // The device counted between the worker's two snapshots (a ring's worth of slack for descriptors in flight).
            assertTrue(simTx >= before.get("tx_packets").asLong() - 256 && simTx <= after.get("tx_packets").asLong() + 256,
                    "tx vstats " + simTx + " vs worker " + before + " / " + after);
            assertTrue(simRx >= before.get("rx_packets").asLong() - 256 && simRx <= after.get("rx_packets").asLong() + 256,
                    "rx vstats " + simRx + " vs worker " + before + " / " + after);
            assertTrue(after.get("rx_packets").asLong() > 10_000, after::toString);
            assertEquals(0, after.get("reordered").asLong(), after::toString);
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(w.pid())).start().waitFor();
            assertTrue(w.waitFor(60, TimeUnit.SECONDS));
        }
        String out = Files.readString(log);
        assertEquals(0, w.exitValue(), out);
        assertTrue(out.contains("mbufs: all 4095 back in pool") && out.contains("EAL runtime dir removed"), out);
        var m = Pattern.compile("virtio_user0 +rx (\\d+)").matcher(out);
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, out);

        // The device is free again: the ioctl view opens it (vhost-vdpa allows one opener), and a new run forwards.
        try (var vhost = VhostVdpa.open(device.vhostNode().orElseThrow().path())) {
            assertEquals(1, vhost.deviceId());
        }
        Path again = Files.createTempFile("worker-again", ".log");
        var w2 = worker(again, "--mode", "io", "--tx-first", "4", "--duration", "3s", "--http", "off");
        assertTrue(w2.waitFor(120, TimeUnit.SECONDS));
        String out2 = Files.readString(again);
        assertEquals(0, w2.exitValue(), out2);
        var m2 = Pattern.compile("virtio_user0 +rx (\\d+)").matcher(out2);
        assertTrue(m2.find() && Long.parseLong(m2.group(1)) > 1000, out2);
    }

    @Test
    void a_device_another_process_holds_is_refused_with_ebusy_before_dpdk_starts() throws Exception {
        var device = provisioner.provision(NewDevice.of("vdpa0", "vdpasim_net").withMac(MacAddress.parse(MAC)),
                VdpaDriver.VHOST_VDPA);
        Path log = Files.createTempFile("worker-busy", ".log");
        try (var holder = VhostVdpa.open(device.vhostNode().orElseThrow().path())) {
            var w = worker(log, "--mode", "io", "--duration", "1s", "--http", "off");
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
