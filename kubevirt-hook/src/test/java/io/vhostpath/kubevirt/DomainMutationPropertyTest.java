package io.vhostpath.kubevirt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.vhostpath.kubevirt.Fixtures.DOMAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 3,000 mutated inputs (interfaces bound or not, with or without a MAC, PCI address, boot order, model; network-info
 * complete, partial, of the wrong type or absent; domains indented differently, with an empty or no devices element,
 * with memory backing; domains cut or with a byte changed): each either fails with a MutationException or gives a
 * domain that parses, holds each bound interface exactly once, and comes back unchanged from a second call.
 */
class DomainMutationPropertyTest {
    private static final String[] TYPES = {"vdpa", "vdpa", "vdpa", "vhost-user", "pci"};

    @Test
    void any_input_gives_a_clear_error_or_a_sound_idempotent_domain() {
        var random = new Random(20261130);
        int produced = 0;
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            var ifaces = new ArrayList<String>();
            var infos = new ArrayList<String>();
            var bound = new ArrayList<String>();
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                String name = "net" + i;
                boolean ours = random.nextInt(4) != 0;
                var sb = new StringBuilder("{\"name\": \"" + name + "\"");
                sb.append(ours ? ", \"binding\": {\"name\": \"vdpa\"}" : random.nextBoolean() ? ", \"masquerade\": {}" : ", \"binding\": {\"name\": \"passt\"}");
                if (random.nextBoolean()) sb.append(", \"macAddress\": \"").append(random.nextInt(10) == 0 ? "nonsense" : "02:00:00:00:00:0" + i).append('"');
                if (random.nextInt(3) == 0) sb.append(", \"pciAddress\": \"0000:00:").append(String.format("%02x", 10 + i)).append(".0\"");
                if (random.nextInt(3) == 0) sb.append(", \"bootOrder\": ").append(2 + i);
                if (random.nextInt(8) == 0) sb.append(", \"model\": \"").append(random.nextBoolean() ? "virtio" : "e1000").append('"');
                ifaces.add(sb.append('}').toString());
                if (ours) bound.add(name);
                if (random.nextInt(6) != 0) {
                    String type = TYPES[random.nextInt(TYPES.length)];
                    String body = switch (type) {
                        case "vdpa" -> "\"vdpa\": {\"path\": \"/dev/vhost-vdpa-" + (random.nextInt(8) == 0 ? 0 : i) + "\"}";
                        case "vhost-user" -> "\"vhost-user\": {\"mode\": \"server\", \"path\": \"/run/vu/" + name + ".sock\"}";
                        default -> "\"pci\": {\"pci-address\": \"0000:65:00.2\"}";
                    };
                    infos.add("{\"network\": \"" + name + "\", \"deviceInfo\": {\"type\": \"" + type + "\", " + body + "}}");
                }
            }
            String vmi = "{\"metadata\": {\"name\": \"vm\"}, \"spec\": {\"domain\": {\"devices\": {\"networkInterfaceMultiqueue\": "
                    + random.nextBoolean() + ", \"interfaces\": [" + String.join(", ", ifaces) + "]}}}}";
            String info = random.nextInt(8) == 0 ? null : "{\"interfaces\": [" + String.join(", ", infos) + "]}";
            String domain = domain(random);
            String out;
            try {
                out = DomainMutation.apply(domain, vmi, info, Map.of(), "vdpa");
            } catch (MutationException e) {
                refused++;
                continue;
            } catch (RuntimeException e) {
                fail("round " + round + ": " + e + "\nVMI " + vmi + "\ninfo " + info + "\ndomain " + domain, e);
                return;
            }
            produced++;
            try {
                if (!bound.isEmpty()) {
                    DomainText.parse(out);
                    for (String name : bound) assertEquals(1, count(out, "<alias name='ua-" + name + "'/>"), "round " + round + ": " + out);
                }
                assertSame(out, DomainMutation.apply(out, vmi, info, Map.of(), "vdpa"), "round " + round + ": not idempotent");
            } catch (MutationException e) {
                fail("round " + round + ": its own output refused: " + e.getMessage());
            }
        }
        System.out.println("domain mutation: " + produced + " domains produced, " + refused + " inputs refused with a message");
    }

    private static String domain(Random random) {
        String d = DOMAIN;
        switch (random.nextInt(6)) {
            case 0 -> d = d.replace("\n  ", "\n\t").replace("\n    ", "\n\t\t");
            case 1 -> d = d.replaceAll("(?s)<devices>.*</devices>", "<devices/>");
            case 2 -> d = d.replace("  <devices>\n", "  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n  <devices>\n");
            case 3 -> d = d.replace('"', '\'');
            case 4 -> d = random.nextBoolean() ? d.substring(0, random.nextInt(d.length())) : corrupt(d, random);
            default -> { }
        }
        return d;
    }

    private static String corrupt(String d, Random random) {
        int at = random.nextInt(d.length());
        return d.substring(0, at) + "<>&\"'/x".charAt(random.nextInt(7)) + d.substring(at + 1);
    }

    private static int count(String s, String what) {
        int c = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) c++;
        return c;
    }
}
