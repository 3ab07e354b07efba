package io.vhostpath.worker.port;

import io.vhostpath.sys.Libc;
import io.vhostpath.sys.NativeError;
import io.vhostpath.vdpa.VdpaNetlink;
import io.vhostpath.vdpa.sysfs.DeviceNode;
import io.vhostpath.vdpa.vhost.VhostVdpa;
import io.vhostpath.worker.WorkerError;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A port as the user names it, and the DPDK virtual device that provides it.
 *
 * <pre>
 *   vhost-vdpa:/dev/vhost-vdpa-0   virtio_user on a kernel vhost-vdpa device
 *   vhost-user:/run/x.sock         virtio_user, client of a vhost-user socket someone else serves
 *   vhost-server:/run/x.sock       net_vhost, serving a vhost-user socket (the backend side)
 *   vhost-user-server:/run/x.sock  virtio_user serving the socket, for a backend that connects as a client (OVS
 *                                  dpdkvhostuserclient: the vhost-user secondary network); waits for it at start
 *   null | ring                    net_null (endless 64-byte packets, a perfect sink) | net_ring (loopback)
 *   af_packet:eth0                 net_af_packet on a kernel interface
 *   net_xxx,args | virtio_userN,…  any DPDK vdev, as given
 * </pre>
 *
 * @param kind      the prefix the user wrote (or "vdev")
 * @param target    the path or interface after the prefix, "" if none
 * @param vdevName  the device (and so port) name DPDK will know
 * @param vdevArgs  the driver arguments after the name
 */
public record PortSpec(String kind, String target, String vdevName, String vdevArgs) {

    /**
     * @param index       the port's position, making device names unique
     * @param queues      queue pairs to ask the device for
     * @param descriptors ring size for virtio_user
     */
    public static PortSpec parse(String text, int index, int queues, int descriptors) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String target = colon < 0 ? "" : text.substring(colon + 1);
        return switch (kind) {
            case "vhost-vdpa", "vhost-user" -> {
                requireTarget(kind, target, kind.equals("vhost-vdpa") ? "/dev/vhost-vdpa-N" : "socket path");
                if (kind.equals("vhost-user")) requireSocketPath(target);
                yield new PortSpec(kind, target, "virtio_user" + index,
                        "path=" + target + ",queues=" + queues + ",queue_size=" + descriptors);
            }
            case "vhost-server" -> {
                requireTarget(kind, target, "socket path");
                requireSocketPath(target);
                yield new PortSpec(kind, target, "net_vhost" + index, "iface=" + target + ",queues=" + queues);
            }
            case "vhost-user-server" -> {
                requireTarget(kind, target, "socket path");
                requireSocketPath(target);
                yield new PortSpec(kind, target, "virtio_user" + index,
                        "path=" + target + ",queues=" + queues + ",queue_size=" + descriptors + ",server=1");
            }
            case "null" -> new PortSpec(kind, "", "net_null" + index, "");
            case "ring" -> new PortSpec(kind, "", "net_ring" + index, "");
            case "af_packet" -> {
                requireTarget(kind, target, "interface");
                yield new PortSpec(kind, target, "net_af_packet" + index, "iface=" + target + ",qpairs=" + queues);
            }
            default -> {
                if (!text.startsWith("net_") && !text.startsWith("virtio_user")) {
                    throw WorkerError.usage("unknown port '" + text + "'",
                            "use vhost-vdpa:/dev/vhost-vdpa-N, vhost-user:PATH, vhost-server:PATH, vhost-user-server:PATH, null, ring, "
                                    + "af_packet:IFACE, or a DPDK vdev such as net_null0");
                }
                int comma = text.indexOf(',');
                yield new PortSpec("vdev", "", comma < 0 ? text : text.substring(0, comma),
                        comma < 0 ? "" : text.substring(comma + 1));
            }
        };
    }

    private static void requireTarget(String kind, String target, String what) {
        if (target.isEmpty()) throw WorkerError.usage("port '" + kind + "' names no target", "write it as " + kind + ":<" + what + ">");
        for (char c : KVARG_SEPARATORS.toCharArray()) {
            if (target.indexOf(c) >= 0) {
                throw WorkerError.usage("port target '" + target + "' contains '" + c + "', which DPDK's device arguments "
                        + "cannot carry", "use a path or name without any of " + KVARG_SEPARATORS.replace(" ", "space"));
            }
        }
    }

    private static void requireSocketPath(String path) {
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH) {
            throw WorkerError.usage("socket path " + path + " is " + bytes + " bytes; a unix socket address holds "
                    + MAX_SOCKET_PATH, "use a shorter path (or a symlinked directory)");
        }
    }

    /** What DPDK's kvargs parser splits on (pairs, key from value, lists), and white space. */
    private static final String KVARG_SEPARATORS = ",=[] ";
    /** {@code sizeof(sun_path) - 1}: DPDK truncates longer paths silently. */
    static final int MAX_SOCKET_PATH = 107;

    /** The {@code --vdev} argument. */
    public String vdev() {
        return vdevArgs.isEmpty() ? vdevName : vdevName + "," + vdevArgs;
    }

    /**
     * Checks what can be checked before EAL starts, so a wrong path fails with its own message instead of a
     * probe error deep in DPDK's log.
     *
     * @param procRoot where {@code devices} lists the character majors ({@code /proc} outside tests)
     */
    public Optional<String> check(Path procRoot) {
        switch (kind) {
            case "vhost-vdpa" -> checkVhostVdpa(Path.of(target), procRoot);
            case "vhost-user" -> checkSocket(Path.of(target));
            case "vhost-server", "vhost-user-server" -> {
                return checkServedPath(Path.of(target));
            }
            default -> { }
        }
        return Optional.empty();
    }

    /**
     * The path a vhost-server port will create its socket at. DPDK unlinks whatever is at that path when its bind
     * fails, so nothing is left to it: a live socket (another backend) and anything that is not a socket are
     * refused, and a stale socket (nobody accepts on it) is removed here, and said so.
     *
     * @return a note when a stale socket was removed
     */
    private static Optional<String> checkServedPath(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new WorkerError("cannot serve " + socket + ": directory " + dir + " does not exist", "create it, or serve a socket elsewhere");
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        if (!isSocket(socket)) {
            throw new WorkerError("cannot serve " + socket + ": it exists and is not a socket", "remove it yourself, or serve a socket elsewhere");
        }
        try (var probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            try {
                Files.delete(socket);
            } catch (IOException e) {
                throw new WorkerError("cannot remove stale socket " + socket + ": " + e.getMessage(), "remove it yourself");
            }
            return Optional.of("removed stale socket " + socket + " (nobody accepted on it)");
        }
        throw new WorkerError("cannot serve " + socket + ": another process is serving it", "stop that backend, or serve a socket elsewhere");
    }

    private static boolean isSocket(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000;
        } catch (IOException e) {
            throw new WorkerError("cannot stat " + path + ": " + e.getMessage(), "check the path and permissions");
        }
    }

    private static void checkVhostVdpa(Path dev, Path procRoot) {
        if (!Files.exists(dev, LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkerError(dev + " does not exist",
                    "bind the vDPA device to vhost_vdpa (vdpa dev show; ls /dev/vhost-vdpa-*) or mount it into the pod");
        }
        DeviceNode node;
        try {
            node = DeviceNode.stat(dev);
        } catch (IOException e) {
            throw new WorkerError("cannot stat " + dev + ": " + e.getMessage(), "check the path and permissions");
        }
        if (!node.character()) {
            throw new WorkerError(dev + " is not a character device", "give the /dev/vhost-vdpa-N node of a vDPA device bound to vhost_vdpa");
        }
        String owner = CharacterDevices.nameOf(procRoot, node.major());
        if (!"vhost-vdpa".equals(owner)) {
            throw new WorkerError(dev + " is character device " + node + " ("
                    + (owner == null ? "unknown major" : owner) + "), not a vhost-vdpa device",
                    "give the /dev/vhost-vdpa-N node of a vDPA device bound to vhost_vdpa");
        }
        checkOpenable(dev);
    }

    /**
     * Opens the node the way virtio_user will: the kernel allows one opener, so a device another process holds
     * fails here with EBUSY and a clear message instead of a probe error in DPDK's log. Also refuses a vDPA
     * device that is not virtio-net.
     */
    private static void checkOpenable(Path dev) {
        int deviceId;
        try (var vhost = VhostVdpa.open(dev)) {
            deviceId = vhost.deviceId();
        } catch (NativeError e) {
            throw new WorkerError("cannot open " + dev + ": errno=" + e.errno() + " (" + Libc.strerror(e.errno()) + ")",
                    e.errno() == EBUSY ? "another process (a DPDK application, QEMU, another worker) holds it: stop it or use another device"
                            : "run as root or give this user read-write access to " + dev, e);
        }
        if (deviceId != VdpaNetlink.VIRTIO_ID_NET) {
            throw new WorkerError(dev + " is a virtio device of type " + deviceId + ", not a network device (type 1)",
                    "give the /dev/vhost-vdpa-N node of a virtio-net vDPA device");
        }
    }

    private static final int EBUSY = 16;

    private static void checkSocket(Path socket) {
        if (!Files.exists(socket)) {
            throw new WorkerError("vhost-user socket " + socket + " does not exist: nobody serves it",
                    "start the backend first (OVS-DPDK, a vhost-server worker, or testpmd with net_vhost)");
        }
        if (!isSocket(socket)) throw new WorkerError(socket + " is not a unix socket", "give the vhost-user socket the backend created");
    }
}
