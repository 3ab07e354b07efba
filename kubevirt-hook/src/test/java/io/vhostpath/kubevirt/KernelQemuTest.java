package io.vhostpath.kubevirt;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
 * In the guest, with a real vhost-vdpa device (vdpa_sim_net): libvirt starts the domain the sidecar produced. Its
 * QEMU driver (a session daemon as an unprivileged user, as in virt-launcher) opens the device, hands QEMU the file
 * descriptor ({@code -netdev vhost-vdpa,vhostdev=/dev/fdset/0}), and the VM's firmware (iPXE, booting from the
 * interface; no OS boots) negotiates features with the device through QEMU, as {@code vdpa dev config show} reads
 * them. QEMU's monitor shows the vhost-vdpa netdev, and the device refuses a second opener while QEMU holds it.
 */
@Tag("kernel")
class KernelQemuTest {
    private static final String DEVICE = "vp-kv0";
    private static final String MAC = "02:00:00:0a:00:01";
    private static final String NAME = "default_vm-fast";
    private static final Path HOME = Path.of("/tmp/vhostpath-libvirt");

    @AfterEach
    void cleanUp() throws Exception {
        virsh("destroy", NAME);
        virsh("undefine", NAME);
        run("pkill", "-u", "65534", "-f", "libvirtd");
        run("vdpa", "dev", "del", DEVICE);
        run("rm", "-rf", HOME.toString());
    }

    @Test
    void libvirt_starts_the_produced_domain_and_qemu_sets_the_device_up() throws Exception {
        run("vdpa", "dev", "del", DEVICE);
        assertEquals(0, run("vdpa", "dev", "add", "mgmtdev", "vdpasim_net", "name", DEVICE, "mac", MAC).rc());
        Path node;
        try (var s = Files.list(Path.of("/sys/bus/vdpa/devices", DEVICE))) {
            node = Path.of("/dev", s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vhost-vdpa-")).findFirst().orElseThrow());
        }
        // virt-launcher's QEMU gets the device through the device plugin's mount; here, by mode
        assertEquals(0, run("chmod", "0666", node.toString()).rc());
        String vmi = """
                {"metadata": {"name": "vm-fast"}, "spec": {"domain": {"devices": {"interfaces": [
                  {"name": "fast", "binding": {"name": "vdpa"}, "macAddress": "%s", "bootOrder": 1}]}}}}""".formatted(MAC);
        String info = """
                {"interfaces": [{"network": "fast", "deviceInfo": {"type": "vdpa", "version": "1.1.0",
                  "vdpa": {"parent-device": "%s", "driver": "vhost", "path": "%s"}}}]}""".formatted(DEVICE, node);
        String domain = DomainMutation.apply(Fixtures.read("domain-guest.xml"), vmi, info, Map.of(), "vdpa");

        Files.createDirectories(HOME);
        Files.writeString(HOME.resolve("domain.xml"), domain);
        assertEquals(0, run("chown", "-R", "65534:65534", HOME.toString()).rc());
        // libvirt raises QEMU's locked-memory limit for <locked/>: within the hard limit the daemon was given
        var daemon = new ProcessBuilder(command(List.of("prlimit", "--memlock=unlimited:unlimited"), "libvirtd", "--timeout=300", "--daemon"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, daemon.waitFor());
        Path socket = HOME.resolve("run/libvirt/libvirt-sock"); // else virsh would start a daemon of its own
        for (int i = 0; i < 600 && !Files.exists(socket); i++) Thread.sleep(50);
        assertTrue(Files.exists(socket), "the session daemon made no socket in 30 s");
        String before = run("vdpa", "-j", "dev", "config", "show", DEVICE).out();
        assertFalse(before.contains("negotiated_features"), "nothing has driven the device yet: " + before);

        assertEquals(0, virsh("define", HOME.resolve("domain.xml").toString()).rc());
        long start = System.nanoTime();
        Run started = virsh("start", NAME);
        assertEquals(0, started.rc(), started.out());
        String log = Files.readString(HOME.resolve("cache/libvirt/qemu/log/" + NAME + ".log"));
        assertTrue(log.contains("-netdev '{\"type\":\"vhost-vdpa\",\"vhostdev\":\"/dev/fdset/0\",\"id\":\"hostua-fast\"}'"), log);
        assertTrue(log.contains("\"driver\":\"virtio-net-pci\",\"netdev\":\"hostua-fast\",\"id\":\"ua-fast\",\"mac\":\"" + MAC + "\""), log);

        String during = "";
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
            during = run("vdpa", "-j", "dev", "config", "show", DEVICE).out();
            if (during.contains("negotiated_features")) break;
            Thread.sleep(250);
        }
        assertTrue(during.contains("\"VERSION_1\""), "no features negotiated through QEMU in 120 s: " + during);
        System.out.printf("guest libvirt: %s features negotiated %.1f s after virsh start (nested TCG): %s%n", DEVICE,
                (System.nanoTime() - start) / 1e9, during.trim());
        String network = virsh("qemu-monitor-command", NAME, "--hmp", "info network").out();
        assertTrue(network.contains("hostua-fast: index=0,type=vhost-vdpa"), network);
        System.out.println("guest libvirt: " + log.lines().filter(l -> l.contains("vhost-vdpa")).findFirst().orElse("").trim());
        var busy = assertThrows(IOException.class, () -> FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE).close());
        assertTrue(busy.getMessage().contains("busy"), "a second opener refused while QEMU holds it: " + busy.getMessage());

        assertEquals(0, virsh("destroy", NAME).rc());
        FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE).close(); // free again
    }

    /** {@code prefix} then {@code args} as the unprivileged user (nobody), in its own session environment. */
    private static String[] command(List<String> prefix, String... args) {
        var cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", "HOME=" + HOME,
                "XDG_RUNTIME_DIR=" + HOME.resolve("run"), "XDG_CONFIG_HOME=" + HOME.resolve("config"),
                "XDG_CACHE_HOME=" + HOME.resolve("cache"), "PATH=/usr/sbin:/usr/bin:/bin"));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    private static Run virsh(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of("virsh", "-c", "qemu:///session"));
        cmd.addAll(List.of(args));
        return run(command(List.of(), cmd.toArray(String[]::new)));
    }

    private record Run(int rc, String out) {}

    private static Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return new Run(p.exitValue(), out);
    }
}
