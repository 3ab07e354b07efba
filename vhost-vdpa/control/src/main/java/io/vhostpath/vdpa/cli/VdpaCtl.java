package io.vhostpath.vdpa.cli;

import io.vhostpath.net.MacAddress;
import io.vhostpath.sys.NativeError;
import io.vhostpath.netlink.NetlinkFormatException;
import io.vhostpath.netlink.NetlinkSocket;
import io.vhostpath.netlink.NetlinkTransport;
import io.vhostpath.netlink.RecordingTransport;
import io.vhostpath.vdpa.MgmtDevice;
import io.vhostpath.vdpa.NetConfig;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.ProvisioningException;
import io.vhostpath.vdpa.VdpaProvisioner;
import io.vhostpath.net.Links;
import io.vhostpath.vdpa.VdpaClient;
import io.vhostpath.vdpa.VdpaDevice;
import io.vhostpath.vdpa.VstatsQueue;
import io.vhostpath.text.Json;
import io.vhostpath.vdpa.sysfs.SysfsException;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import io.vhostpath.vdpa.vhost.VhostVdpa;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code vdpactl}: iproute2's {@code vdpa} verbs on vhostpath's library, plus {@code dev bind|unbind} (sysfs) and
 * {@code dev inspect} (the vhost ioctl view). Human output by default, {@code --json} with clean keys.
 * Exit codes: 0 done, 1 the kernel or sysfs refused (device and errno named), 2 bad usage.
 */
public final class VdpaCtl {
    static final String USAGE = """
            usage: vdpactl [--json] [--record FILE] OBJECT COMMAND [ARGS]
              mgmtdev show [MGMTDEV]
              dev show [DEV]
              dev add name NAME mgmtdev MGMTDEV [mac MAC] [mtu MTU] [max_vqp N]
              dev del DEV
              dev set DEV mac MAC
              dev config show [DEV]
              dev vstats show DEV qidx N
              dev bind DEV driver vhost_vdpa|virtio_vdpa
              dev unbind DEV
              dev inspect DEV            (vhost ioctls on /dev/vhost-vdpa-N)
              dev provision name NAME mgmtdev MGMTDEV [mac MAC] [mtu MTU] [max_vqp N] [driver DRIVER]
                                         (add, bind (default vhost_vdpa), resolve; idempotent)
              dev release DEV            (delete if present; idempotent)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final VdpaSysfs sysfs;
    private final Supplier<NetlinkTransport> netlink;
    private boolean json;

    VdpaCtl(PrintStream out, PrintStream err, VdpaSysfs sysfs, Supplier<NetlinkTransport> netlink) {
        this.out = out;
        this.err = err;
        this.sysfs = sysfs;
        this.netlink = netlink;
    }

    public static void main(String[] args) {
        System.exit(new VdpaCtl(System.out, System.err, VdpaSysfs.system(), NetlinkSocket::generic).run(args));
    }

    /** Usage errors; exit code 2. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    /**
     * Runs one command line. Every outcome is an exit code and, on failure, one line on stderr: 2 for what is
     * wrong with the arguments (checked before the kernel is asked), 1 for what the kernel or sysfs refused.
     */
    int run(String... argv) {
        try {
            return parseAndRun(new ArrayDeque<>(List.of(argv)));
        } catch (Usage | IllegalArgumentException u) {
            err.println("vdpactl: " + u.getMessage() + " (vdpactl --help shows the usage)");
            return 2;
        } catch (NativeError | SysfsException | NetlinkFormatException | ProvisioningException e) {
            err.println("vdpactl: " + e.getMessage());
            return 1;
        }
    }

    private int parseAndRun(Deque<String> args) {
        Path record = null;
        while (!args.isEmpty() && args.peekFirst().startsWith("-")) {
            String opt = args.pollFirst();
            switch (opt) {
                case "-j", "--json" -> json = true;
                case "--record" -> record = Path.of(need(args, "FILE after --record"));
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> throw new Usage("unknown option '" + opt + "'");
            }
        }
        String object = need(args, "OBJECT (mgmtdev or dev)");
        String command = need(args, "COMMAND");
        if (!object.equals("mgmtdev") && !object.equals("dev")) throw new Usage("unknown object '" + object + "'");
        if (object.equals("dev") && List.of("bind", "unbind", "inspect").contains(command)) {
            device(command, args, null);
            return 0;
        }
        try (var client = new VdpaClient(transport(record))) {
            if (object.equals("mgmtdev")) mgmtdev(command, args, client);
            else device(command, args, client);
        }
        return 0;
    }

    private NetlinkTransport transport(Path record) {
        if (record == null) return netlink.get();
        java.io.Writer file;
        try {
            file = Files.newBufferedWriter(record);
        } catch (IOException e) {
            throw new Usage("cannot write --record file " + record + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null || e.getMessage().equals(record.toString()) ? "" : " " + e.getMessage()));
        }
        return new RecordingTransport(netlink.get(), file);
    }

    /** The next argument, a vDPA device name, checked as the kernel and sysfs will use it. */
    private static String deviceName(Deque<String> args) {
        return NewDevice.checkName(need(args, "DEV"));
    }

    private static String need(Deque<String> args, String what) {
        String a = args.pollFirst();
        if (a == null) throw new Usage("missing " + what);
        return a;
    }

    /** iproute2-style {@code key value} pairs, each key at most once. */
    private static Map<String, String> pairs(Deque<String> args, List<String> allowed) {
        var m = new LinkedHashMap<String, String>();
        while (!args.isEmpty()) {
            String k = args.pollFirst();
            if (!allowed.contains(k)) throw new Usage("unknown argument '" + k + "' (expected one of " + allowed + ")");
            if (m.put(k, need(args, "value for " + k)) != null) throw new Usage("'" + k + "' given twice");
        }
        return m;
    }

    private static int integer(Map<String, String> m, String key, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(m.get(key));
        } catch (NumberFormatException e) {
            throw new Usage(key + " '" + m.get(key) + "' is not a number");
        }
        if (v < min || v > max) throw new Usage(key + " " + v + " is out of range " + min + ".." + max);
        return v;
    }

    /** {@code dev add} and {@code dev provision}: the device asked for. */
    private static NewDevice newDevice(Map<String, String> m, String verb) {
        if (!m.containsKey("name") || !m.containsKey("mgmtdev")) throw new Usage(verb + " needs name and mgmtdev");
        var d = NewDevice.of(m.get("name"), m.get("mgmtdev"));
        if (m.containsKey("mac")) d = d.withMac(mac(m.get("mac")));
        if (m.containsKey("mtu")) d = d.withMtu(integer(m, "mtu", 68, 65535));
        if (m.containsKey("max_vqp")) d = d.withMaxVqPairs(integer(m, "max_vqp", 1, 0x8000));
        return d;
    }

    private static VdpaDriver driver(String name) {
        try {
            return VdpaDriver.bySysfsName(name);
        } catch (IllegalArgumentException e) {
            throw new Usage(e.getMessage());
        }
    }

    private static MacAddress mac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Usage("mac '" + text + "' is not six colon-separated hex bytes");
        }
    }

    private void mgmtdev(String command, Deque<String> args, VdpaClient client) {
        if (!command.equals("show")) throw new Usage("unknown mgmtdev command '" + command + "'");
        List<MgmtDevice> list = args.isEmpty() ? client.mgmtDevices()
                : List.of(client.mgmtDevice(NewDevice.checkMgmtHandle(args.pollFirst())));
        var doc = new LinkedHashMap<String, Object>();
        for (MgmtDevice m : list) {
            var v = new LinkedHashMap<String, Object>();
            v.put("supported_classes", m.supportsNet() ? List.of("net") : List.of());
            v.put("max_supported_vqs", m.maxVqs());
            v.put("dev_features", Features.names(m.supportedFeatures()));
            doc.put(m.handle(), v);
        }
        print("mgmtdev", doc);
    }

    private void device(String command, Deque<String> args, VdpaClient client) {
        switch (command) {
            case "show" -> {
                List<VdpaDevice> list = args.isEmpty() ? client.devices() : List.of(client.device(deviceName(args)));
                var doc = new LinkedHashMap<String, Object>();
                for (VdpaDevice d : list) {
                    var v = new LinkedHashMap<String, Object>();
                    v.put("type", d.isNet() ? "network" : "virtio-" + d.deviceId());
                    v.put("mgmtdev", d.mgmtDevice());
                    v.put("vendor_id", d.vendorId());
                    v.put("max_vqs", d.maxVqs());
                    v.put("max_vq_size", d.maxVqSize());
                    v.put("driver", sysfs.driver(d.name()).map(VdpaDriver::sysfsName).orElse(null));
                    doc.put(d.name(), v);
                }
                print("dev", doc);
            }
            case "add" -> client.add(newDevice(pairs(args, List.of("name", "mgmtdev", "mac", "mtu", "max_vqp")), "dev add"));
            case "del" -> client.delete(deviceName(args));
            case "provision" -> {
                var m = pairs(args, List.of("name", "mgmtdev", "mac", "mtu", "max_vqp", "driver"));
                var wanted = newDevice(m, "dev provision");
                var driver = driver(m.getOrDefault("driver", VdpaDriver.VHOST_VDPA.sysfsName()));
                var d = new VdpaProvisioner(client, sysfs, Links::open).provision(wanted, driver);
                print("provision", Map.of(d.name(), endpoint(d)));
            }
            case "release" -> {
                String name = deviceName(args);
                boolean was = new VdpaProvisioner(client, sysfs, Links::open).release(name);
                print("release", Map.of(name, Map.of("released", was)));
            }
            case "set" -> {
                String name = deviceName(args);
                var m = pairs(args, List.of("mac"));
                if (!m.containsKey("mac")) throw new Usage("dev set needs mac");
                client.setMac(name, mac(m.get("mac")));
            }
            case "config" -> {
                if (!need(args, "config command").equals("show")) throw new Usage("dev config: only 'show'");
                List<NetConfig> list = args.isEmpty() ? client.configs() : List.of(client.config(deviceName(args)));
                var doc = new LinkedHashMap<String, Object>();
                for (NetConfig c : list) {
                    var v = new LinkedHashMap<String, Object>();
                    v.put("mac", c.mac() == null ? null : c.mac().toString());
                    v.put("link", c.linkUp() == null ? null : c.linkUp() ? "up" : "down");
                    v.put("link_announce", c.linkAnnounce());
                    v.put("mtu", c.mtu());
                    v.put("max_vq_pairs", c.maxVqPairs());
                    // As iproute2: only once a driver negotiated something.
                    v.put("negotiated_features", c.negotiatedFeatures() == 0 ? null : Features.names(c.negotiatedFeatures()));
                    doc.put(c.name(), v);
                }
                print("config", doc);
            }
            case "vstats" -> {
                if (!need(args, "vstats command").equals("show")) throw new Usage("dev vstats: only 'show'");
                String name = deviceName(args);
                var m = pairs(args, List.of("qidx"));
                if (!m.containsKey("qidx")) throw new Usage("dev vstats show needs qidx");
                VstatsQueue q = client.vstats(name, integer(m, "qidx", 0, 0xFFFF));
                var v = new LinkedHashMap<String, Object>();
                v.put("queue_index", q.queueIndex());
                q.counters().forEach((k, val) -> v.put(k.replace(' ', '_'), val));
                print("vstats", Map.of(name, v));
            }
            case "bind" -> {
                String name = deviceName(args);
                var m = pairs(args, List.of("driver"));
                if (!m.containsKey("driver")) throw new Usage("dev bind needs driver");
                VdpaDriver driver = driver(m.get("driver"));
                sysfs.bind(name, driver);
                if (driver == VdpaDriver.VHOST_VDPA) print("bind", Map.of(name, Map.of("path", sysfs.vhostDevice(name).path().toString())));
                else print("bind", Map.of(name, Map.of("netdev", sysfs.netdev(name).orElse(""))));
            }
            case "unbind" -> sysfs.unbind(deviceName(args));
            case "inspect" -> {
                String name = deviceName(args);
                var node = sysfs.vhostDevice(name);
                try (var v = VhostVdpa.open(node.path())) {
                    var net = v.netConfig();
                    var doc = new LinkedHashMap<String, Object>();
                    doc.put("path", node.path().toString());
                    doc.put("char_device", node.major() + ":" + node.minor());
                    doc.put("device_id", v.deviceId());
                    doc.put("features", Features.names(v.features()));
                    doc.put("backend_features", "0x" + Long.toHexString(v.backendFeatures()));
                    doc.put("status", v.status());
                    doc.put("vqs", v.queueCount());
                    doc.put("vring_num", v.vringSize());
                    doc.put("mac", net.mac().toString());
                    doc.put("link", net.linkUp() ? "up" : "down");
                    doc.put("max_vq_pairs", net.maxVirtqueuePairs());
                    doc.put("mtu", net.mtu());
                    print("inspect", Map.of(name, doc));
                }
            }
            default -> throw new Usage("unknown dev command '" + command + "'");
        }
        if (!args.isEmpty()) throw new Usage("unexpected arguments " + new ArrayList<>(args));
    }

    private static Map<String, Object> endpoint(ProvisionedDevice d) {
        var v = new LinkedHashMap<String, Object>();
        v.put("mgmtdev", d.mgmtDevice());
        v.put("driver", d.driver() == null ? null : d.driver().sysfsName());
        v.put("mac", d.mac() == null ? null : d.mac().toString());
        v.put("mtu", d.mtu());
        switch (d.endpoint()) {
            case ProvisionedDevice.VhostNode n -> v.put("path", n.node().path().toString());
            case ProvisionedDevice.Netdev n -> v.put("netdev", n.name());
            case ProvisionedDevice.NoEndpoint n -> { }
        }
        return v;
    }

    private static Map<Object, Object> withoutNulls(Map<?, ?> m) {
        var out = new LinkedHashMap<Object, Object>();
        m.forEach((k, v) -> {
            if (v != null) out.put(k, v);
        });
        return out;
    }

    /**
     * {@code {"key":{name:{...}}}} as JSON, or iproute2-like lines: {@code name: k v k v}. Absent values are left
     * out, as iproute2 leaves them out.
     */
    private void print(String key, Map<String, ?> byName) {
        if (json) {
            var clean = new LinkedHashMap<String, Object>();
            byName.forEach((name, v) -> clean.put(name, v instanceof Map<?, ?> m ? withoutNulls(m) : v));
            out.println(Json.write(Map.of(key, clean)));
            return;
        }
        for (var e : byName.entrySet()) {
            var sb = new StringBuilder(e.getKey()).append(':');
            if (e.getValue() instanceof Map<?, ?> fields) {
                fields.forEach((k, v) -> {
                    if (v == null) return;
                    sb.append(' ').append(k).append(' ');
                    sb.append(v instanceof List<?> l ? String.join(" ", l.stream().map(Object::toString).toList()) : v);
                });
            }
            out.println(sb);
        }
    }
}
