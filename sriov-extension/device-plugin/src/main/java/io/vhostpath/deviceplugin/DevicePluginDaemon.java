package io.vhostpath.deviceplugin;

import io.vhostpath.grpc.UnixGrpc;
import io.grpc.StatusRuntimeException;
import io.vhostpath.deviceplugin.api.RegistrationGrpc;
import io.vhostpath.node.DesiredState;
import io.vhostpath.node.NodeSysfs;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The plugin process: one {@link ResourcePlugin} per resource of the desired state, their devices' health polled
 * from sysfs every {@code pollMillis} (so a change reaches kubelet within that and a send), and kubelet watched by
 * its socket's identity: when {@code kubelet.sock} is recreated (kubelet restarted, and removed our sockets), every
 * server restarts on a fresh socket and registers again. At start, stale {@code vhostpath-*.sock} files are
 * removed. All state is rebuilt from the node, so the process can be killed and restarted at any time.
 */
public final class DevicePluginDaemon implements AutoCloseable {
    private final String prefix;
    private final Supplier<DesiredState> desired;
    private final NodeSysfs node;
    private final VdpaSysfs vdpa;
    private final PluginSettings settings;
    private final PrintStream log;
    private final UnixGrpc grpc = new UnixGrpc();
    private final Map<String, ResourcePlugin> plugins = new LinkedHashMap<>();
    private Object lastKubelet;
    private boolean registered;
    private int failures;
    private long nextRegistration;

    public DevicePluginDaemon(String prefix, Supplier<DesiredState> desired, NodeSysfs node, VdpaSysfs vdpa,
                              PluginSettings settings, PrintStream log) throws IOException {
        this.prefix = prefix;
        this.desired = desired;
        this.node = node;
        this.vdpa = vdpa;
        this.settings = settings;
        this.log = log;
        Files.createDirectories(settings.pluginDir());
        try (var s = Files.newDirectoryStream(settings.pluginDir(), "vhostpath-*.sock")) {
            for (Path stale : s) Files.deleteIfExists(stale);
        }
    }

    Path kubeletSocket() {
        return settings.pluginDir().resolve("kubelet.sock");
    }

    Map<String, ResourcePlugin> plugins() {
        return plugins;
    }

    /** One poll: resources from the desired state, health of every device, kubelet's identity. */
    public synchronized void poll() throws IOException {
        DesiredState d = desired.get();
        Map<String, List<PluginDevice>> inventory = Inventory.resources(d, node);
        for (var it = plugins.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!inventory.containsKey(e.getKey())) {
                e.getValue().stop();
                Files.deleteIfExists(e.getValue().socket());
                log.println("resource " + e.getValue().resource() + ": no longer in the desired state, stopped");
                it.remove();
            }
        }
        boolean added = false;
        for (var e : inventory.entrySet()) {
            ResourcePlugin p = plugins.get(e.getKey());
            if (p == null) {
                p = new ResourcePlugin(prefix, e.getKey(), settings, vdpa);
                p.serve(grpc);
                plugins.put(e.getKey(), p);
                added = true;
            }
            var health = new ArrayList<DeviceHealth>();
            for (PluginDevice dev : e.getValue()) health.add(DeviceHealth.check(dev, vdpa));
            if (p.update(health)) {
                long bad = health.stream().filter(h -> !h.healthy()).count();
                log.println("resource " + p.resource() + ": " + health.size() + " device(s), " + bad + " unhealthy"
                        + health.stream().filter(h -> !h.healthy()).map(h -> "; " + h.device().id() + ": " + h.problem()).reduce("", String::concat));
            }
        }
        Object key = identity(kubeletSocket());
        // A restarted kubelet recreates its socket and removes ours; either sign is enough (inodes get reused, and
        // a poll may fall between the removal and the new socket).
        boolean socketsGone = plugins.values().stream().anyMatch(p -> !Files.exists(p.socket()));
        boolean kubeletNew = key != null && lastKubelet != null && !key.equals(lastKubelet);
        if (socketsGone || kubeletNew) {
            for (ResourcePlugin p : plugins.values()) p.serve(grpc);
            registered = false;
        }
        if (key == null) {
            registered = false;
            return;
        }
        lastKubelet = key;
        if ((!registered || added) && System.nanoTime() - nextRegistration >= 0) {
            registered = registerAll();
            failures = registered ? 0 : failures + 1;
            // kubelet may still be starting: try again soon, then less often
            if (!registered) nextRegistration = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(5000, 100L * failures));
        }
    }

    /** Registers every resource with kubelet; false when one failed (tried again shortly). */
    private boolean registerAll() {
        var channel = grpc.connect(kubeletSocket());
        try {
            var stub = RegistrationGrpc.newBlockingStub(channel);
            for (ResourcePlugin p : plugins.values()) {
                try {
                    stub.withDeadlineAfter(5, TimeUnit.SECONDS).register(p.registration());
                    log.println("resource " + p.resource() + ": registered with kubelet as " + p.endpoint());
                } catch (StatusRuntimeException e) {
                    if (failures % 20 == 0) log.println("resource " + p.resource() + ": registration failed (" + (failures + 1) + " so far): " + e.getStatus());
                    return false;
                }
            }
            return true;
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * The socket file's identity: device, inode and change time (a file recreated at once often gets the same inode
     * back), or null when there is none.
     */
    private static Object identity(Path socket) throws IOException {
        try {
            return Files.readAttributes(socket, "unix:dev,ino,ctime");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        for (ResourcePlugin p : plugins.values()) p.stop();
        grpc.close();
    }
}
