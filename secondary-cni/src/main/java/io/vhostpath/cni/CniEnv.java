package io.vhostpath.cni;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's environment for one call. CNI_ARGS is {@code K=V;K2=V2}; CNI_PATH is colon-separated.
 *
 * @param netns CNI_NETNS, or null (DEL may come without one, after the namespace is gone)
 */
public record CniEnv(CniCommand command, String containerId, String netns, String ifname, Map<String, String> args,
                     List<Path> path) {
    /** Linux's limit on interface names, IFNAMSIZ - 1. */
    private static final int IFNAME_MAX = 15;

    public static CniEnv from(Map<String, String> env) {
        CniCommand command = CniCommand.parse(env.get("CNI_COMMAND"));
        String containerId = blankToNull(env.get("CNI_CONTAINERID"));
        String netns = blankToNull(env.get("CNI_NETNS"));
        String ifname = blankToNull(env.get("CNI_IFNAME"));
        if (command.perAttachment()) {
            if (containerId == null) throw CniError.env("CNI_CONTAINERID", "not set");
            if (!containerId.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
                throw CniError.env("CNI_CONTAINERID", "'" + containerId + "' must start with a letter or digit and hold only letters, digits, '_', '.', '-'");
            }
            if (ifname == null) throw CniError.env("CNI_IFNAME", "not set");
            checkIfname(ifname);
            if (command == CniCommand.ADD && netns == null) throw CniError.env("CNI_NETNS", "not set");
        }
        return new CniEnv(command, containerId, netns, ifname, args(env.get("CNI_ARGS")), path(env.get("CNI_PATH")));
    }

    private static void checkIfname(String ifname) {
        if (ifname.length() > IFNAME_MAX || ifname.equals(".") || ifname.equals("..")
                || ifname.chars().anyMatch(c -> c == '/' || c == ':' || c <= ' ' || c == 0x7f)) {
            throw CniError.env("CNI_IFNAME", "'" + ifname + "' is not a valid interface name (at most 15 characters, no '/', ':' or spaces)");
        }
    }

    static Map<String, String> args(String cniArgs) {
        var out = new LinkedHashMap<String, String>();
        if (cniArgs == null || cniArgs.isBlank()) return out;
        for (String pair : cniArgs.split(";")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0) throw CniError.env("CNI_ARGS", "'" + pair + "' is not KEY=VALUE");
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static List<Path> path(String cniPath) {
        var out = new ArrayList<Path>();
        if (cniPath == null) return out;
        for (String dir : cniPath.split(":")) if (!dir.isEmpty()) out.add(Path.of(dir));
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The attachment's key in the state cache and in GC's valid-attachments. */
    public String attachmentKey() {
        return containerId + "-" + ifname;
    }
}
