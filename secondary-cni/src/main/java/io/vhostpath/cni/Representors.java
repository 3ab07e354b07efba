package io.vhostpath.cni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The switchdev port representor of an SR-IOV VF: the netdev in the PF's switch (same {@code phys_switch_id})
 * whose {@code phys_port_name} is {@code pf<P>vf<N>}, N being the VF's index under its PF ({@code virtfnN}).
 */
final class Representors {
    private static final Pattern PF_PORT = Pattern.compile("p(\\d+)");
    private final Path sys;

    Representors(Path sysRoot) {
        this.sys = sysRoot;
    }

    /** The representor of VF {@code vfAddress}, or empty when it is no VF or its PF is not in switchdev mode. */
    Optional<String> ofVf(String vfAddress) {
        Path vf = sys.resolve("bus/pci/devices").resolve(vfAddress);
        Path physfn = vf.resolve("physfn");
        if (!Files.exists(physfn)) return Optional.empty();
        try {
            Path pf = physfn.toRealPath();
            Path vfReal = vf.toRealPath();
            Integer index = null;
            try (Stream<Path> s = Files.list(pf)) {
                for (Path link : s.filter(p -> p.getFileName().toString().startsWith("virtfn")).toList()) {
                    if (link.toRealPath().equals(vfReal)) index = Integer.parseInt(link.getFileName().toString().substring(6));
                }
            }
            if (index == null) return Optional.empty();
            Path pfNet = pf.resolve("net");
            if (!Files.isDirectory(pfNet)) return Optional.empty();
            String switchId = null;
            String pfNumber = null;
            try (Stream<Path> s = Files.list(pfNet)) {
                for (Path netdev : s.toList()) {
                    switchId = read(netdev.resolve("phys_switch_id"));
                    Matcher m = PF_PORT.matcher(String.valueOf(read(netdev.resolve("phys_port_name"))));
                    if (m.matches()) pfNumber = m.group(1);
                    if (switchId != null) break;
                }
            }
            if (switchId == null) return Optional.empty();
            Pattern wanted = Pattern.compile("pf" + (pfNumber == null ? "\\d+" : pfNumber) + "vf" + index);
            try (Stream<Path> s = Files.list(sys.resolve("class/net"))) {
                for (Path netdev : s.sorted().toList()) {
                    if (!switchId.equals(read(netdev.resolve("phys_switch_id")))) continue;
                    String port = read(netdev.resolve("phys_port_name"));
                    if (port != null && wanted.matcher(port).matches()) return Optional.of(netdev.getFileName().toString());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot find the representor of VF " + vfAddress, e.getMessage());
        }
    }

    /** A sysfs attribute, or null when absent or unreadable (phys_switch_id reads EOPNOTSUPP outside switchdev). */
    private static String read(Path attribute) {
        try {
            return Files.readString(attribute).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
