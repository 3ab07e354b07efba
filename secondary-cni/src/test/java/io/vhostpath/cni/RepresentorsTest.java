package io.vhostpath.cni;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The representor lookup on sysfs trees laid out as mlx5 in switchdev mode lays them out (netdevsim alike). */
class RepresentorsTest {
    @TempDir
    Path sys;

    private Path pci(String bdf) throws IOException {
        Path real = Files.createDirectories(sys.resolve("devices/pci0000:00").resolve(bdf));
        Path bus = Files.createDirectories(sys.resolve("bus/pci/devices"));
        if (!Files.exists(bus.resolve(bdf))) Files.createSymbolicLink(bus.resolve(bdf), real);
        return real;
    }

    private void netdev(Path parentOrNull, String name, String switchId, String portName) throws IOException {
        Path real = parentOrNull == null ? Files.createDirectories(sys.resolve("devices/virtual/net").resolve(name))
                : Files.createDirectories(parentOrNull.resolve("net").resolve(name));
        if (switchId != null) Files.writeString(real.resolve("phys_switch_id"), switchId + "\n");
        if (portName != null) Files.writeString(real.resolve("phys_port_name"), portName + "\n");
        Path classNet = Files.createDirectories(sys.resolve("class/net"));
        Files.createSymbolicLink(classNet.resolve(name), real);
    }

    /** A PF 0000:65:00.0 (p0) with VFs .2 (virtfn0) and .3 (virtfn1), representors pf0vf0/pf0vf1 on its switch. */
    private void switchdevNic(String switchId) throws IOException {
        Path pf = pci("0000:65:00.0");
        for (int i = 0; i < 2; i++) {
            Path vf = pci("0000:65:00." + (i + 2));
            Files.createSymbolicLink(vf.resolve("physfn"), pf);
            Files.createSymbolicLink(pf.resolve("virtfn" + i), vf);
        }
        netdev(pf, "ens1f0np0", switchId, "p0");
        netdev(null, "ens1f0r0", switchId, "pf0vf0");
        netdev(null, "ens1f0r1", switchId, "pf0vf1");
        netdev(null, "other0", "deadbeef", "pf0vf1");
    }

    @Test
    void a_vf_maps_to_the_representor_with_its_index_on_its_pfs_switch() throws IOException {
        switchdevNic("a1b2c3");
        var r = new Representors(sys);
        assertEquals(Optional.of("ens1f0r0"), r.ofVf("0000:65:00.2"));
        assertEquals(Optional.of("ens1f0r1"), r.ofVf("0000:65:00.3"));
    }

    @Test
    void no_vf_or_a_pf_not_in_switchdev_mode_has_no_representor() throws IOException {
        switchdevNic(null);
        assertEquals(Optional.empty(), new Representors(sys).ofVf("0000:65:00.2"), "legacy mode: no phys_switch_id");
        assertEquals(Optional.empty(), new Representors(sys).ofVf("0000:65:00.0"), "the PF is no VF");
        assertEquals(Optional.empty(), new Representors(sys).ofVf("0000:99:00.1"), "not a PCI device here");
    }
}
