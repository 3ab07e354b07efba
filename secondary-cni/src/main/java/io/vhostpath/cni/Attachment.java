package io.vhostpath.cni;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What ADD did for one attachment, as the state cache keeps it: enough for DEL to undo every step after a crash
 * or a reboot, without the config and without the device. Null fields are steps that did not apply.
 *
 * @param originalMac the device's MAC before ADD changed it (restored by DEL), or null when it was not changed
 * @param ovsPort     the OVS port ADD created, or null
 * @param lsp         the OVN logical switch port ADD created, or null
 * @param ipam        whether ADD obtained addresses from the IPAM plugin
 */
public record Attachment(String containerId, String ifname, String network, String netns, AttachMode mode,
                         String device, Path vhostNode, String pciAddress, String mac, String originalMac,
                         String representor, String bridge, String ovsPort, String logicalSwitch, String lsp,
                         Path socket, Path deviceInfoFile, boolean ipam, Map<String, Object> result) {

    public String key() {
        return containerId + "-" + ifname;
    }

    Map<String, Object> toDocument() {
        var m = new LinkedHashMap<String, Object>();
        m.put("containerId", containerId);
        m.put("ifname", ifname);
        m.put("network", network);
        m.put("netns", netns);
        m.put("mode", mode.configName());
        m.put("device", device);
        m.put("vhostNode", str(vhostNode));
        m.put("pciAddress", pciAddress);
        m.put("mac", mac);
        m.put("originalMac", originalMac);
        m.put("representor", representor);
        m.put("bridge", bridge);
        m.put("ovsPort", ovsPort);
        m.put("logicalSwitch", logicalSwitch);
        m.put("lsp", lsp);
        m.put("socket", str(socket));
        m.put("deviceInfoFile", str(deviceInfoFile));
        m.put("ipam", ipam);
        m.put("result", result);
        return m;
    }

    @SuppressWarnings("unchecked")
    static Attachment fromDocument(Map<String, Object> m) {
        return new Attachment((String) m.get("containerId"), (String) m.get("ifname"), (String) m.get("network"),
                (String) m.get("netns"), AttachMode.parse("mode", (String) m.get("mode")), (String) m.get("device"),
                path(m.get("vhostNode")), (String) m.get("pciAddress"), (String) m.get("mac"), (String) m.get("originalMac"),
                (String) m.get("representor"), (String) m.get("bridge"), (String) m.get("ovsPort"),
                (String) m.get("logicalSwitch"), (String) m.get("lsp"), path(m.get("socket")), path(m.get("deviceInfoFile")),
                Boolean.TRUE.equals(m.get("ipam")), (Map<String, Object>) m.get("result"));
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }

    private static Path path(Object s) {
        return s == null ? null : Path.of((String) s);
    }
}
