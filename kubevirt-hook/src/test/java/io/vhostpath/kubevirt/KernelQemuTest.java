package io.vhostpath.kubevirt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In the guest, with a real vhost-vdpa device (vdpa_sim_net): the domain the sidecar produces, turned into QEMU's
 * arguments the way libvirt turns {@code <interface type='vdpa'>} into them, makes QEMU open the device and drive
 * it: the device reports features negotiated (the firmware's virtio driver, iPXE, sets it up; no OS boots), QEMU's
 * monitor shows the vhost-vdpa netdev, and the device refuses a second opener while QEMU holds it.
 */
@Tag("kernel")
class KernelQemuTest {
    private static final String DEVICE = "vp-kv0";
    private static final String MAC = "02:00:00:0a:00:01";
    @TempDir Path tmp;
    private Process qemu;

    @AfterEach
    void cleanUp() throws Exception {
        if (qemu != null) qemu.destroyForcibly().waitFor();
        run("vdpa", "dev", "del", DEVICE);
    }

    @Test
    void qemu_opens_the_device_of_the_produced_domain_and_the_device_is_set_up_through_it() throws Exception {
        run("vdpa", "dev", "del", DEVICE);
        assertEquals(0, run("vdpa", "dev", "add", "mgmtdev", "vdpasim_net", "name", DEVICE, "mac", MAC).rc());
        Path node;
        try (var s = Files.list(Path.of("/sys/bus/vdpa/devices", DEVICE))) {
            node = Path.of("/dev", s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vhost-vdpa-")).findFirst().orElseThrow());
        }
        String vmi = """
                {"metadata": {"name": "vm"}, "spec": {"domain": {"devices": {"interfaces": [
                  {"name": "default", "masquerade": {}}, {"name": "fast", "binding": {"name": "vdpa"}, "macAddress": "%s"}]}}}}"""
                .formatted(MAC);
        String info = """
                {"interfaces": [{"network": "fast", "deviceInfo": {"type": "vdpa", "version": "1.1.0",
                  "vdpa": {"parent-device": "%s", "driver": "vhost", "path": "%s"}}}]}""".formatted(DEVICE, node);
        String domain = DomainMutation.apply(Fixtures.DOMAIN, vmi, info, Map.of(), "vdpa");
        List<String> netArgs = libvirtNetArgs(domain);
        assertEquals(List.of("-netdev", "vhost-vdpa,vhostdev=" + node + ",id=hostua-fast",
                "-device", "virtio-net-pci,netdev=hostua-fast,id=ua-fast,mac=" + MAC), netArgs);

        String before = run("vdpa", "-j", "dev", "config", "show", DEVICE).out();
        assertFalse(before.contains("negotiated_features"), "nothing has driven the device yet: " + before);

        Path qmp = tmp.resolve("qmp.sock");
        var cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-machine", "q35", "-m", "64", "-nodefaults",
                "-display", "none", "-serial", "none", "-monitor", "none", "-qmp", "unix:" + qmp + ",server=on,wait=off", "-boot", "n"));
        cmd.addAll(netArgs);
        qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("qemu.log").toFile()).start();
        long start = System.nanoTime();
        String during = "";
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120) && qemu.isAlive()) {
            during = run("vdpa", "-j", "dev", "config", "show", DEVICE).out();
            if (during.contains("negotiated_features")) break;
            Thread.sleep(250);
        }
        assertTrue(during.contains("\"VERSION_1\""), "no features negotiated through QEMU in 120 s: " + during + Files.readString(tmp.resolve("qemu.log")));
        System.out.printf("guest QEMU: %s negotiated %.1f s after QEMU started (nested TCG): %s%n", DEVICE,
                (System.nanoTime() - start) / 1e9, during.trim());

        String network = qmp(qmp, "info network");
        assertTrue(network.contains("hostua-fast: index=0,type=vhost-vdpa"), network);
        System.out.println("guest QEMU: info network: " + network.replace("\\r\\n", " | "));
        var busy = assertThrows(IOException.class, () -> FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE).close());
        assertTrue(busy.getMessage().contains("busy"), "a second opener refused while QEMU holds it: " + busy.getMessage());

        qemu.destroy();
        assertTrue(qemu.waitFor(30, TimeUnit.SECONDS));
        FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE).close(); // free again
    }

    /**
     * What libvirt's QEMU driver makes of each {@code <interface type='vdpa'>}: a vhost-vdpa netdev named
     * {@code host<alias>} on the source device, and a virtio-net-pci device with the alias as id and the MAC.
     */
    static List<String> libvirtNetArgs(String domainXml) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        var dom = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new StringReader(domainXml)));
        var out = new ArrayList<String>();
        var interfaces = dom.getElementsByTagName("interface");
        for (int i = 0; i < interfaces.getLength(); i++) {
            var e = (Element) interfaces.item(i);
            if (!e.getAttribute("type").equals("vdpa")) continue;
            String alias = ((Element) e.getElementsByTagName("alias").item(0)).getAttribute("name");
            String dev = ((Element) e.getElementsByTagName("source").item(0)).getAttribute("dev");
            String mac = ((Element) e.getElementsByTagName("mac").item(0)).getAttribute("address");
            out.addAll(List.of("-netdev", "vhost-vdpa,vhostdev=" + dev + ",id=host" + alias,
                    "-device", "virtio-net-pci,netdev=host" + alias + ",id=" + alias + ",mac=" + mac));
        }
        return out;
    }

    /** One HMP command through QMP, as libvirt talks to QEMU; waits for the socket QEMU creates. */
    private static String qmp(Path socket, String hmp) throws Exception {
        for (int i = 0; i < 400 && !Files.exists(socket); i++) Thread.sleep(50);
        try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch)));
            var out = new PrintWriter(Channels.newOutputStream(ch), true);
            in.readLine(); // greeting
            out.println("{\"execute\": \"qmp_capabilities\"}");
            in.readLine();
            out.println("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"" + hmp + "\"}}");
            return in.readLine();
        }
    }

    private record Run(int rc, String out) {}

    private static Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return new Run(p.exitValue(), out);
    }
}
