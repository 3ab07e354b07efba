package io.vhostpath.cni;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Names for a vhost-user attachment: its OVS port (15 characters, from the attachment key) and its socket file. */
final class VhostUserPorts {
    /** {@code sizeof(sun_path) - 1}. */
    static final int MAX_SOCKET_PATH = 107;

    private VhostUserPorts() {}

    /**
     * {@code vu} and 13 hex digits (52 bits) of the key's 64-bit FNV-1a hash: stable across calls, short enough for
     * any netdev name, and cheap (a message digest costs the plugin's start-up ~20 ms of provider loading).
     */
    static String portName(String attachmentKey) {
        long h = 0xcbf29ce484222325L;
        for (byte b : attachmentKey.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return "vu" + HexFormat.of().toHexDigits(h).substring(0, 13);
    }

    /** The socket's file name: the first 12 characters of the container ID (as runtimes shorten it) and the interface. */
    static String socketName(String containerId, String ifname) {
        return containerId.substring(0, Math.min(12, containerId.length())) + "-" + ifname + ".sock";
    }
}
