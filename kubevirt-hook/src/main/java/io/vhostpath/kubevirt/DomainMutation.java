package io.vhostpath.kubevirt;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.vhostpath.kubevirt.DomainText.child;

/**
 * The sidecar's logic, a pure function: the domain virt-launcher made, the VMI, the pod's network-info and
 * environment in; the domain with an {@code <interface>} for each VMI interface bound to this plugin out, plus what
 * those interfaces need of the domain (locked memory for vhost-vdpa, shared memory for vhost-user). Applied to its
 * own output it changes nothing. On any error nothing is returned but the error.
 */
public final class DomainMutation {
    /** virtio-net's limit on queue pairs that QEMU accepts for one device. */
    private static final int MAX_QUEUES = 256;

    private DomainMutation() {}

    /**
     * @param networkInfo the network-info file's text, or null when the pod has none
     * @param binding     the binding plugin name this sidecar serves (the VMI's {@code binding: {name}})
     */
    public static String apply(String domainXml, String vmiJson, String networkInfo, Map<String, String> env, String binding)
            throws MutationException {
        Vmi vmi = Vmi.parse(vmiJson);
        List<Vmi.Interface> bound = vmi.boundTo(binding);
        if (bound.isEmpty()) return domainXml;
        Map<String, DeviceLookup.Found> devices = DeviceLookup.resolve(bound, networkInfo, env);
        DomainText domain = DomainText.parse(domainXml);
        Element devicesElement = child(domain.root(), "devices");
        if (devicesElement == null) throw new MutationException("domain XML has no <devices>");
        int queues = vmi.multiqueue() ? Math.min(vcpus(domain.root()), MAX_QUEUES) : 1;
        String indent = domain.childIndent(devicesElement);
        String step = indent.startsWith(domain.indent(devicesElement)) && indent.length() > domain.indent(devicesElement).length()
                ? indent.substring(domain.indent(devicesElement).length()) : "  ";
        var appended = new ArrayList<String>();
        for (Vmi.Interface i : bound) {
            String text = InterfaceXml.render(i, devices.get(i.name()), queues, indent, step);
            Element existing = withAlias(devicesElement, InterfaceXml.alias(i));
            if (existing == null) appended.add(text);
            else if (!existing.getTagName().equals("interface")) {
                throw MutationException.of(i.name(), "alias " + InterfaceXml.alias(i) + " is already a <" + existing.getTagName() + "> of the domain");
            } else if (!domain.text(existing).equals(text)) domain.replace(existing, text);
        }
        if (!appended.isEmpty()) domain.append(devicesElement, appended);
        memory(domain, devicesElement, step,
                devices.values().stream().anyMatch(f -> f.device() instanceof Device.Vdpa),
                devices.values().stream().anyMatch(f -> f.device() instanceof Device.VhostUser));
        if (!domain.changed()) return domainXml;
        String out = domain.result();
        DomainText.parse(out); // never hand back a domain that does not parse
        return out;
    }

    /** The device (any kind) under {@code devices} whose {@code <alias name>} is {@code alias}. */
    private static Element withAlias(Element devices, String alias) {
        for (Node n = devices.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && child(e, "alias") instanceof Element a && alias.equals(a.getAttribute("name"))) return e;
        }
        return null;
    }

    private static int vcpus(Element domain) {
        Element vcpu = child(domain, "vcpu");
        try {
            return vcpu == null ? 1 : Math.max(1, Integer.parseInt(vcpu.getTextContent().trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * vhost-vdpa maps guest memory for the device's DMA: {@code <locked/>}, as with VFIO. vhost-user hands guest memory
     * to another process: {@code <access mode='shared'/>}, backed by memfd unless hugepages or a source are given.
     */
    private static void memory(DomainText domain, Element devices, String step, boolean locked, boolean shared) throws MutationException {
        Element backing = child(domain.root(), "memoryBacking");
        var add = new ArrayList<String>();
        if (locked && (backing == null || child(backing, "locked") == null)) add.add("<locked/>");
        if (shared) {
            Element access = backing == null ? null : child(backing, "access");
            if (access != null && !"shared".equals(access.getAttribute("mode"))) {
                throw new MutationException("a vhost-user interface needs shared guest memory, and the domain's memoryBacking asks for access mode '"
                        + access.getAttribute("mode") + "'");
            }
            if (access == null) add.add("<access mode='shared'/>");
            if (backing == null || child(backing, "source") == null && child(backing, "hugepages") == null) add.add("<source type='memfd'/>");
        }
        if (add.isEmpty()) return;
        if (backing != null) {
            domain.append(backing, add);
            return;
        }
        String indent = domain.indent(devices);
        domain.insertBefore(devices, "<memoryBacking>\n" + indent + step + String.join("\n" + indent + step, add) + "\n" + indent + "</memoryBacking>");
    }
}
