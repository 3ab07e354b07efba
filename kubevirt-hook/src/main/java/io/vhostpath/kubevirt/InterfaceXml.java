package io.vhostpath.kubevirt;

import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The libvirt {@code <interface>} of one bound VMI interface: {@code type='vdpa'} with the vhost-vdpa device as its
 * source, or {@code type='vhostuser'} with the socket; the VMI's MAC (else the one Multus reported), virtio, queues,
 * the {@code ua-<name>} alias KubeVirt's binding plugins use, and the VMI's PCI address and boot order.
 */
final class InterfaceXml {
    private static final Pattern MAC = Pattern.compile("^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$");
    private static final Pattern PCI = Pattern.compile("^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])$");

    private InterfaceXml() {}

    static String alias(Vmi.Interface i) {
        return "ua-" + i.name();
    }

    /**
     * @param indent the interface's own indentation (its later lines start there)
     * @param step   one level of indentation
     */
    static String render(Vmi.Interface i, DeviceLookup.Found found, int queues, String indent, String step) throws MutationException {
        if (i.model() != null && !i.model().equals("virtio")) {
            throw MutationException.of(i.name(), "model " + i.model() + " cannot drive a vhost device: virtio only");
        }
        var lines = new ArrayList<String>();
        switch (found.device()) {
            case Device.Vdpa v -> {
                lines.add("<interface type='vdpa'>");
                lines.add(step + "<source dev='" + attr(v.path()) + "'/>");
            }
            case Device.VhostUser u -> {
                lines.add("<interface type='vhostuser'>");
                lines.add(step + "<source type='unix' path='" + attr(u.path()) + "' mode='" + (u.server() ? "server" : "client") + "'/>");
            }
        }
        String mac = i.mac() != null ? i.mac() : found.mac();
        if (mac != null) {
            if (!MAC.matcher(mac).matches()) throw MutationException.of(i.name(), "MAC address '" + mac + "' is malformed");
            lines.add(step + "<mac address='" + mac.toLowerCase(java.util.Locale.ROOT).replace('-', ':') + "'/>");
        }
        lines.add(step + "<model type='virtio'/>");
        if (queues > 1) lines.add(step + "<driver queues='" + queues + "'/>");
        lines.add(step + "<alias name='" + attr(alias(i)) + "'/>");
        if (i.pciAddress() != null) lines.add(step + pciAddress(i));
        if (i.bootOrder() != null) lines.add(step + "<boot order='" + i.bootOrder() + "'/>");
        lines.add("</interface>");
        return String.join("\n" + indent, lines);
    }

    private static String pciAddress(Vmi.Interface i) throws MutationException {
        Matcher m = PCI.matcher(i.pciAddress());
        if (!m.matches()) throw MutationException.of(i.name(), "pciAddress '" + i.pciAddress() + "' is not dddd:bb:ss.f");
        return "<address type='pci' domain='0x" + m.group(1) + "' bus='0x" + m.group(2) + "' slot='0x" + m.group(3)
                + "' function='0x" + m.group(4) + "'/>";
    }

    static String attr(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
