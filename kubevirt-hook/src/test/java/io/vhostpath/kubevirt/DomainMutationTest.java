package io.vhostpath.kubevirt;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.vhostpath.kubevirt.Fixtures.DOMAIN;
import static io.vhostpath.kubevirt.Fixtures.NETWORK_INFO;
import static io.vhostpath.kubevirt.Fixtures.VMI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainMutationTest {
    private static final String ADDED = """
                <interface type='vdpa'>
                  <source dev='/dev/vhost-vdpa-0'/>
                  <mac address='02:00:00:0a:00:01'/>
                  <model type='virtio'/>
                  <driver queues='4'/>
                  <alias name='ua-fast'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x0a' function='0x0'/>
                  <boot order='2'/>
                </interface>
                <interface type='vdpa'>
                  <source dev='/dev/vhost-vdpa-1'/>
                  <mac address='02:00:00:0a:00:02'/>
                  <model type='virtio'/>
                  <driver queues='4'/>
                  <alias name='ua-fast2'/>
                </interface>
            """;

    static String mutate(String domain, String vmi, String networkInfo, Map<String, String> env) throws MutationException {
        return DomainMutation.apply(domain, vmi, networkInfo, env, "vdpa");
    }

    @Test
    void two_vdpa_interfaces_are_added_and_every_other_byte_of_the_domain_is_kept() throws Exception {
        String out = mutate(DOMAIN, VMI, NETWORK_INFO, Map.of());
        String memory = "  <memoryBacking>\n    <locked/>\n  </memoryBacking>\n";
        String expected = DOMAIN.replace("  <devices>\n", memory + "  <devices>\n").replace("  </devices>\n", ADDED + "  </devices>\n");
        assertEquals(expected, out);
    }

    @Test
    void a_second_call_on_its_own_output_changes_nothing() throws Exception {
        String once = mutate(DOMAIN, VMI, NETWORK_INFO, Map.of());
        assertSame(once, mutate(once, VMI, NETWORK_INFO, Map.of()), "the very same string: nothing was edited");
    }

    @Test
    void a_vmi_without_our_binding_gets_its_domain_back_untouched() throws Exception {
        String vmi = VMI.replace("\"binding\": {\"name\": \"vdpa\"}", "\"sriov\": {}");
        assertSame(DOMAIN, mutate(DOMAIN, vmi, NETWORK_INFO, Map.of()));
    }

    @Test
    void an_interface_left_by_an_earlier_call_with_another_device_is_replaced_not_duplicated() throws Exception {
        String earlier = mutate(DOMAIN, VMI, NETWORK_INFO.replace("/dev/vhost-vdpa-1", "/dev/vhost-vdpa-7"), Map.of());
        String now = mutate(earlier, VMI, NETWORK_INFO, Map.of());
        assertEquals(mutate(DOMAIN, VMI, NETWORK_INFO, Map.of()), now);
    }

    @Test
    void without_network_info_a_single_interface_takes_the_device_plugins_one_device() throws Exception {
        String vmi = VMI.replace("""
                ,
                          {"name": "fast2", "binding": {"name": "vdpa"}}""", "");
        String env = "{\"vdpa:0000:65:00.2\":{\"generic\":{\"deviceID\":\"vdpa:0000:65:00.2\"},\"vdpa\":{\"mount\":\"/dev/vhost-vdpa-3\"}}}";
        String out = mutate(DOMAIN, vmi, null, Map.of("PCIDEVICE_VHOSTPATH_IO_VDPA_VHOST_INFO", env, "PATH", "/bin"));
        assertTrue(out.contains("<source dev='/dev/vhost-vdpa-3'/>"), out);
        assertTrue(out.contains("<mac address='02:00:00:0a:00:01'/>"), "the VMI's MAC");
    }

    @Test
    void a_vhost_user_device_gets_a_vhostuser_interface_and_shared_memory() throws Exception {
        String info = """
                {"interfaces": [{"network": "fast", "deviceInfo": {"type": "vhost-user", "version": "1.1.0",
                  "vhost-user": {"mode": "server", "path": "/var/run/vhostpath/fast.sock"}}},
                 {"network": "fast2", "deviceInfo": {"type": "vdpa", "version": "1.1.0", "vdpa": {"path": "/dev/vhost-vdpa-1"}}}]}""";
        String out = mutate(DOMAIN, VMI, info, Map.of());
        assertTrue(out.contains("""
                    <interface type='vhostuser'>
                      <source type='unix' path='/var/run/vhostpath/fast.sock' mode='server'/>
                """), out);
        assertTrue(out.contains("""
                  <memoryBacking>
                    <locked/>
                    <access mode='shared'/>
                    <source type='memfd'/>
                  </memoryBacking>
                """), out);
        String hugepages = DOMAIN.replace("  <devices>\n", "  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n  <devices>\n");
        String withHugepages = mutate(hugepages, VMI, info, Map.of());
        assertTrue(withHugepages.contains("  <memoryBacking>\n    <hugepages/>\n    <locked/>\n    <access mode='shared'/>\n  </memoryBacking>\n"),
                "hugepages are the memory: no memfd source; " + withHugepages);
        String isPrivate = DOMAIN.replace("  <devices>\n", "  <memoryBacking>\n    <access mode=\"private\"/>\n  </memoryBacking>\n  <devices>\n");
        var e = assertThrows(MutationException.class, () -> mutate(isPrivate, VMI, info, Map.of()));
        assertEquals("a vhost-user interface needs shared guest memory, and the domain's memoryBacking asks for access mode 'private'", e.getMessage());
    }

    @Test
    void each_bad_input_is_an_error_naming_the_interface_and_what_is_missing() {
        assertEquals("interface fast2: no device-info for network 'fast2' in network-info, and the device plugin's PCIDEVICE_*_INFO leaves"
                        + " 0 vDPA device(s) [] for 1 interface(s): was a device allocated (resourceName on the NAD)?",
                error(DOMAIN, VMI, NETWORK_INFO.replace("\"network\": \"fast2\"", "\"network\": \"other\"")));
        assertEquals("interface fast2: device /dev/vhost-vdpa-0 is also interface fast's",
                error(DOMAIN, VMI, NETWORK_INFO.replace("/dev/vhost-vdpa-1", "/dev/vhost-vdpa-0")));
        assertEquals("interface fast: device-info of type 'pci': this binding drives vdpa or vhost-user devices",
                error(DOMAIN, VMI, NETWORK_INFO.replaceFirst("\"type\": \"vdpa\"", "\"type\": \"pci\"")));
        assertEquals("interface fast: device-info of type vdpa has no /dev/vhost-vdpa-N path (driver virtio: the device is bound to"
                        + " virtio_vdpa, a netdev, not vhost_vdpa)",
                error(DOMAIN, VMI, NETWORK_INFO.replaceFirst("\"driver\": \"vhost\", \"path\": \"/dev/vhost-vdpa-0\"", "\"driver\": \"virtio\"")));
        assertEquals("interface fast: model e1000 cannot drive a vhost device: virtio only",
                error(DOMAIN, VMI.replace("\"bootOrder\": 2}", "\"bootOrder\": 2, \"model\": \"e1000\"}"), NETWORK_INFO));
        assertEquals("interface fast: pciAddress '00:0a.0' is not dddd:bb:ss.f", error(DOMAIN, VMI.replace("0000:00:0a.0", "00:0a.0"), NETWORK_INFO));
        assertEquals("interface fast: alias ua-fast is already a <hostdev> of the domain", error(DOMAIN.replace("  </devices>",
                "    <hostdev mode='subsystem' type='pci'><source><address domain='0' bus='1' slot='0' function='0'/></source>"
                        + "<alias name='ua-fast'/></hostdev>\n  </devices>"), VMI, NETWORK_INFO));
        assertTrue(error(DOMAIN.substring(0, DOMAIN.length() - 12), VMI, NETWORK_INFO).startsWith("domain XML is not well-formed: "));
        assertEquals("domain XML has no <devices>", error(DOMAIN.replaceAll("(?s)<devices>.*</devices>", ""), VMI, NETWORK_INFO));
        assertTrue(error(DOMAIN, "{\"spec\": ", NETWORK_INFO).startsWith("VMI JSON: "));
        assertTrue(error(DOMAIN, VMI, "{\"interfaces\": [{\"mac\": 1}]}").startsWith("network-info: "), error(DOMAIN, VMI, "{\"interfaces\": [{\"mac\": 1}]}"));
        assertTrue(error("<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;<devices/></domain>", VMI, NETWORK_INFO)
                .startsWith("domain XML is not well-formed: "), "no DOCTYPE, no external entities");
    }

    private static String error(String domain, String vmi, String networkInfo) {
        return assertThrows(MutationException.class, () -> mutate(domain, vmi, networkInfo, Map.of())).getMessage();
    }

    @Test
    void an_empty_devices_element_is_opened_for_the_interfaces() throws Exception {
        String domain = DOMAIN.replaceAll("(?s)<devices>.*</devices>", "<devices/>");
        String out = mutate(domain, VMI, NETWORK_INFO, Map.of());
        assertTrue(out.contains("  <devices>\n    <interface type='vdpa'>\n      <source dev='/dev/vhost-vdpa-0'/>"), out);
        assertSame(out, mutate(out, VMI, NETWORK_INFO, Map.of()));
    }
}
