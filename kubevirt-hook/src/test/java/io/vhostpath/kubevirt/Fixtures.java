package io.vhostpath.kubevirt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The realistic inputs under src/test/resources/kubevirt: a virt-launcher domain, a VMI, a pod's network-info. */
final class Fixtures {
    static final String DOMAIN = read("domain.xml");
    static final String VMI = read("vmi.json");
    static final String NETWORK_INFO = read("network-info.json");

    private Fixtures() {}

    static String read(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/kubevirt/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test resource kubevirt/" + name, e);
        }
    }
}
