package io.vhostpath.cni;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names for a vhost-user attachment: its OVS port (15 characters, from the attachment key) and its socket file. */
final class VhostUserPorts {
    /** {@code sizeof(sun_path) - 1}. */
    static final int MAX_SOCKET_PATH = 107;

    private VhostUserPorts() {}

    /** {@code vu} and 13 hex digits of the key's SHA-256: stable across calls, short enough for any netdev name. */
    static String portName(String attachmentKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(attachmentKey.getBytes(StandardCharsets.UTF_8));
            return "vu" + HexFormat.of().formatHex(d).substring(0, 13);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The socket's file name: the first 12 characters of the container ID (as runtimes shorten it) and the interface. */
    static String socketName(String containerId, String ifname) {
        return containerId.substring(0, Math.min(12, containerId.length())) + "-" + ifname + ".sock";
    }
}
