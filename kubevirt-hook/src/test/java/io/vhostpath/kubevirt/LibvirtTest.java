package io.vhostpath.kubevirt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.vhostpath.kubevirt.Fixtures.DOMAIN;
import static io.vhostpath.kubevirt.Fixtures.NETWORK_INFO;
import static io.vhostpath.kubevirt.Fixtures.VMI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * libvirt's own judgement of the domains the mutation produces: its RNG schema ({@code virt-xml-validate}, Debian
 * libvirt-clients) and its QEMU driver, which defines each one and gives it back with our interfaces. The driver runs
 * as a session daemon of an unprivileged user (nobody), started by virsh. ({@code domxml-to-native} cannot show a vDPA
 * netdev: it rewrites every interface to a tap device; the guest tier has libvirt start the domain instead.) The
 * fixtures' emulator and machine are RHEL's, as
 * virt-launcher writes them: for the driver they become this host's QEMU and q35, and kvm becomes qemu (TCG).
 */
class LibvirtTest {
    private static final String VHOST_USER_INFO = """
            {"interfaces": [{"network": "fast", "deviceInfo": {"type": "vhost-user", "version": "1.1.0",
              "vhost-user": {"mode": "server", "path": "/var/run/vhostpath/fast.sock"}}},
             {"network": "fast2", "deviceInfo": {"type": "vdpa", "version": "1.1.0", "vdpa": {"path": "/dev/vhost-vdpa-1"}}}]}""";
    private static Path home;

    static Map<String, String> produced() throws MutationException {
        var out = new LinkedHashMap<String, String>();
        out.put("two-vdpa", DomainMutation.apply(DOMAIN, VMI, NETWORK_INFO, Map.of(), "vdpa"));
        out.put("vhost-user", DomainMutation.apply(DOMAIN, VMI, VHOST_USER_INFO, Map.of(), "vdpa"));
        out.put("hugepages", DomainMutation.apply(DOMAIN.replace("  <devices>\n", "  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n  <devices>\n"),
                VMI, VHOST_USER_INFO, Map.of(), "vdpa"));
        out.put("empty-devices", DomainMutation.apply(DOMAIN.replaceAll("(?s)<devices>.*</devices>", "<devices/>"), VMI, NETWORK_INFO, Map.of(), "vdpa"));
        return out;
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running: " + command);
        return new Run(p.exitValue(), output);
    }

    private record Run(int rc, String output) {}

    @Test
    void every_produced_domain_passes_libvirts_schema_and_a_broken_one_does_not() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/virt-xml-validate")) && Files.isExecutable(Path.of("/usr/bin/xmllint")),
                "virt-xml-validate and xmllint not installed (apt-get install libvirt-clients libxml2-utils; make setup does)");
        Path dir = Files.createTempDirectory("vhostpath-libvirt-schema");
        for (var e : produced().entrySet()) {
            Path f = dir.resolve(e.getKey() + ".xml");
            Files.writeString(f, e.getValue());
            Run r = run(List.of("virt-xml-validate", f.toString(), "domain"));
            assertEquals(0, r.rc(), e.getKey() + ": " + r.output());
        }
        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, produced().get("two-vdpa").replace("<source dev='/dev/vhost-vdpa-0'/>", "<source device='/dev/vhost-vdpa-0'/>"));
        assertNotEquals(0, run(List.of("virt-xml-validate", broken.toString(), "domain")).rc(), "the check can fail");
    }

    @Test
    void libvirts_qemu_driver_defines_each_domain_and_keeps_our_interfaces() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/libvirtd")) && Files.isExecutable(Path.of("/usr/bin/virsh")),
                "libvirtd not installed (apt-get install libvirt-daemon-driver-qemu libvirt-clients; make setup does)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "no qemu-system-x86_64 for the driver's capabilities");
        home = Files.createTempDirectory("vhostpath-libvirt", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(0, run(List.of("chown", "65534:65534", home.toString())).rc());
        for (var e : produced().entrySet()) {
            String name = "vhostpath-" + e.getKey();
            Path f = home.resolve(name + ".xml");
            Files.writeString(f, e.getValue().replace("/usr/libexec/qemu-kvm", "/usr/bin/qemu-system-x86_64")
                    .replace("machine=\"pc-q35-rhel9.2.0\"", "machine=\"q35\"").replace("<domain type=\"kvm\"", "<domain type=\"qemu\"")
                    .replace("<name>default_vm-fast</name>", "<name>" + name + "</name>"));
            Run define = virsh("define", f.toString());
            assertEquals(0, define.rc(), e.getKey() + ": " + define.output());
            try {
                String back = virsh("dumpxml", name).output();
                for (String alias : List.of("ua-fast", "ua-fast2")) assertTrue(back.contains("<alias name='" + alias + "'/>"), e.getKey() + ": " + back);
                assertTrue(back.matches("(?s).*<interface type='vdpa'>\n      <mac address='[0-9a-f:]{17}'/>\n      <source dev='/dev/vhost-vdpa-1'/>.*"),
                        e.getKey() + ": " + back);
                assertTrue(back.contains("<locked/>"), e.getKey() + ": locked memory kept");
                if (!e.getKey().equals("two-vdpa") && !e.getKey().equals("empty-devices")) {
                    assertTrue(back.contains("<source type='unix' path='/var/run/vhostpath/fast.sock' mode='server'/>"), back);
                    assertTrue(back.contains("<access mode='shared'/>"), back);
                }
            } finally {
                virsh("undefine", name);
            }
        }
    }

    private static Run virsh(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i",
                "HOME=" + home, "XDG_RUNTIME_DIR=" + home.resolve("run"), "XDG_CONFIG_HOME=" + home.resolve("config"),
                "XDG_CACHE_HOME=" + home.resolve("cache"), "PATH=/usr/sbin:/usr/bin:/bin", "virsh", "-c", "qemu:///session"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** The session daemon virsh started would linger for its idle timeout: stop it with the test. */
    @AfterAll
    static void stopDaemon() throws Exception {
        if (home == null) return;
        run(List.of("pkill", "-u", "65534", "-f", "libvirtd --timeout"));
        run(List.of("rm", "-rf", home.toString()));
    }
}
