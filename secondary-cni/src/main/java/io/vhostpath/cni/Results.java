package io.vhostpath.cni;

import io.vhostpath.net.MacAddress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CNI results: ADD's document, and CHECK's comparison with {@code prevResult}. The sandbox interface comes last and
 * carries {@code sandbox} (Multus records only such interfaces); {@code mtu}, {@code pciID} and {@code socketPath}
 * exist from CNI 1.1.0 and are left out of 1.0.0 results.
 */
final class Results {
    private Results() {}

    static Map<String, Object> add(NetConf conf, CniEnv env, MacAddress mac, String representor, VdpaTarget target,
                                   Path socket, Map<String, Object> ipam) {
        boolean v11 = conf.cniVersion().equals("1.1.0");
        var interfaces = new ArrayList<Map<String, Object>>();
        if (representor != null) {
            var host = new LinkedHashMap<String, Object>();
            host.put("name", representor);
            interfaces.add(host);
        }
        var sandbox = new LinkedHashMap<String, Object>();
        sandbox.put("name", env.ifname());
        sandbox.put("mac", mac.toString());
        if (v11 && conf.mtu() != null) sandbox.put("mtu", conf.mtu());
        sandbox.put("sandbox", env.netns());
        if (v11 && target != null && target.pciAddress() != null) sandbox.put("pciID", target.pciAddress());
        if (v11 && socket != null) sandbox.put("socketPath", socket.toString());
        interfaces.add(sandbox);
        int index = interfaces.size() - 1;

        var result = new LinkedHashMap<String, Object>();
        result.put("cniVersion", conf.cniVersion());
        result.put("interfaces", interfaces);
        var ips = new ArrayList<Map<String, Object>>();
        if (ipam.get("ips") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> ip)) continue;
                var copy = new LinkedHashMap<String, Object>();
                ip.forEach((k, v) -> copy.put((String) k, v));
                copy.put("interface", (long) index);
                ips.add(copy);
            }
        }
        if (!ips.isEmpty()) result.put("ips", ips);
        if (ipam.get("routes") instanceof List<?> routes && !routes.isEmpty()) result.put("routes", routes);
        Object dns = ipam.get("dns") instanceof Map<?, ?> d && !d.isEmpty() ? d : conf.dns();
        if (dns != null) result.put("dns", dns);
        return result;
    }

    /** CHECK: prevResult must name this attachment's sandbox interface with the MAC ADD gave it. */
    static void checkAgainst(Map<String, Object> prev, Attachment state, CniEnv env) {
        if (!(prev.get("interfaces") instanceof List<?> interfaces)) {
            throw CniError.config("prevResult.interfaces", "required for CHECK");
        }
        Map<?, ?> sandbox = null;
        for (Object o : interfaces) {
            if (o instanceof Map<?, ?> i && env.ifname().equals(i.get("name")) && i.get("sandbox") != null) sandbox = i;
        }
        if (sandbox == null) {
            throw new CniError(CniError.INTERNAL, "prevResult has no sandbox interface " + env.ifname());
        }
        if (!String.valueOf(sandbox.get("mac")).equalsIgnoreCase(state.mac())) {
            throw new CniError(CniError.INTERNAL, "prevResult says interface " + env.ifname() + " has MAC " + sandbox.get("mac")
                    + ", the attachment has " + state.mac());
        }
    }
}
