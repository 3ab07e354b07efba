package io.vhostpath.cni;

import io.vhostpath.net.MacAddress;
import io.vhostpath.ovsdb.OvsSwitch;
import io.vhostpath.ovsdb.OvsdbClient;
import io.vhostpath.ovsdb.OvsdbException;
import io.vhostpath.vdpa.DeviceInfo;
import io.vhostpath.vdpa.ProvisionedDevice;
import io.vhostpath.vdpa.ProvisioningException;
import io.vhostpath.vdpa.VdpaProvisioner;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CNI verbs for a vhost-vdpa secondary network. ADD resolves the allocated device, programs its MAC, plugs its
 * representor into OVS, delegates IPAM and writes device-info, undoing every done step if a later one fails; DEL
 * undoes what the state cache says ADD did, and succeeds when it is already undone.
 */
public final class CniPlugin {
    private static final int EOPNOTSUPP = 95;

    private final Node node;

    CniPlugin(Node node) {
        this.node = node;
    }

    public static CniPlugin system() {
        return new CniPlugin(Node.system());
    }

    /** One call: the document for stdout (a result, a version answer, or empty for DEL/CHECK/STATUS/GC). */
    public Map<String, Object> run(CniEnv env, String stdin, Map<String, String> environment) {
        if (env.command() == CniCommand.VERSION) return version();
        NetConf conf = NetConf.decode(stdin, env);
        var call = new Call(env, conf, stdin, environment, DebugLog.to(conf.logFile(), env));
        call.log.line("network " + conf.name() + " mode " + conf.mode().configName() + " device " + conf.deviceId());
        try {
            return switch (env.command()) {
                case ADD -> call.add();
                case DEL -> call.del();
                case CHECK -> call.check();
                case STATUS -> call.status();
                case GC -> call.gc();
                case VERSION -> throw new IllegalStateException();
            };
        } catch (ProvisioningException e) {
            throw fromKernel(e);
        }
    }

    /** The vDPA layer's refusals (kernel, sysfs, a vanished device) are the runtime's I/O errors, naming the device. */
    private static CniError fromKernel(ProvisioningException e) {
        return new CniError(CniError.IO, "vDPA device " + e.device() + ": " + e.getMessage());
    }

    static Map<String, Object> version() {
        var m = new LinkedHashMap<String, Object>();
        m.put("cniVersion", NetConf.SUPPORTED_VERSIONS.getLast());
        m.put("supportedVersions", NetConf.SUPPORTED_VERSIONS);
        return m;
    }

    /** One invocation's inputs and the steps it takes. */
    private final class Call {
        final CniEnv env;
        final NetConf conf;
        final String stdin;
        final Map<String, String> environment;
        final DebugLog log;
        final StateStore store;
        final SwitchPorts ports;

        Call(CniEnv env, NetConf conf, String stdin, Map<String, String> environment, DebugLog log) {
            this.env = env;
            this.conf = conf;
            this.stdin = stdin;
            this.environment = environment;
            this.log = log;
            this.store = new StateStore(conf.stateDir());
            this.ports = new SwitchPorts(conf, env, log);
        }

        Map<String, Object> add() {
            checkNetns();
            if (conf.mode() == AttachMode.VHOST_USER) return addVhostUser();
            if (conf.deviceId() == null) {
                throw CniError.config("deviceID", "required: no deviceID at top level, in runtimeConfig or in CNI_ARGS"
                        + " (does the NetworkAttachmentDefinition carry the k8s.v1.cni.cncf.io/resourceName annotation?)");
            }
            VdpaTarget target = VdpaTarget.resolve(node.vdpa(), conf.deviceId());
            try (var lock = store.lock(target.device())) {
                Optional<Attachment> again = store.find(env.attachmentKey());
                if (again.isPresent()) {
                    if (!target.device().equals(again.get().device())) {
                        throw new CniError(CniError.INVALID_CONFIG, "attachment " + env.attachmentKey() + " already holds vDPA device "
                                + again.get().device() + ": DEL it before adding " + target.device());
                    }
                    log.line("ADD repeated: returning the stored result");
                    return again.get().result();
                }
                store.holderOf(target.device(), env.attachmentKey()).ifPresent(h -> {
                    throw new CniError(CniError.INVALID_CONFIG, "vDPA device " + target.device() + " is already attached to container "
                            + h.containerId() + " as " + h.ifname() + " (network " + h.network() + ")");
                });
                target.checkFree();
                return Rollback.onFailure(log, rollback -> attachVdpa(target, rollback));
            } catch (CniError e) {
                throw e;
            } catch (Exception e) {
                throw internal(e);
            }
        }

        private Map<String, Object> attachVdpa(VdpaTarget target, Rollback rollback) {
            // The MAC first: the OVN port security and the result both state it.
            MacAddress mac = conf.mac() != null ? conf.mac() : MacAddress.randomLocal(java.util.concurrent.ThreadLocalRandom.current());
            MacAddress original;
            boolean programmed;
            try (VdpaProvisioner vdpa = node.provisioner().get()) {
                original = vdpa.get(target.device()).mac();
                programmed = setMac(vdpa, target.device(), mac);
            }
            if (programmed && original != null && !original.equals(mac)) {
                rollback.add("restore MAC " + original + " on " + target.device(), () -> restoreMac(target.device(), mac, original));
            }
            String representor = target.pciAddress() == null ? null : node.representors().ofVf(target.pciAddress()).orElse(null);
            log.line("device " + target.device() + " node " + target.node().path() + " mac " + mac + (programmed ? "" : " (not programmed)")
                    + " representor " + (representor == null ? "none" : representor));
            // Addresses before the ports: OVN's port security states them.
            Map<String, Object> ipamResult = allocate(rollback);
            var result = Results.add(conf, env, mac, representor, target, null, ipamResult);
            String lsp = null;
            if (conf.mode() == AttachMode.OVN) {
                lsp = ports.addLogicalPort(mac, result);
                String created = lsp;
                rollback.add("remove logical switch port " + created, () -> ports.removeLogicalPorts(List.of(created)));
            }
            String ovsPort = null;
            if (representor != null) {
                ovsPort = representor;
                ports.plug(representor, "", Map.of(), lsp);
                String port = representor;
                rollback.add("unplug OVS port " + port, () -> ports.unplug(List.of(port)));
            }
            if (conf.deviceInfoFile() != null) {
                DeviceInfoFile.write(conf.deviceInfoFile(), DeviceInfo.vdpa(target.device(), "vhost", target.node().path(), target.pciAddress()));
                rollback.add("remove " + conf.deviceInfoFile(), () -> DeviceInfoFile.remove(conf.deviceInfoFile()));
            }
            store.save(new Attachment(env.containerId(), env.ifname(), conf.name(), env.netns(), conf.mode(), target.device(),
                    target.node().path(), target.pciAddress(), mac.toString(),
                    programmed && original != null && !original.equals(mac) ? original.toString() : null,
                    representor, representor == null ? null : conf.bridge(), ovsPort,
                    lsp == null ? null : conf.logicalSwitch(), lsp, null, conf.deviceInfoFile(), conf.ipam() != null, result));
            return result;
        }

        /**
         * vhost-user, where no vDPA NIC exists: a dpdkvhostuserclient port on an OVS-DPDK bridge connects to a socket
         * the pod's DPDK application serves in {@code socketDir} (which the pod mounts at the same path).
         */
        private Map<String, Object> addVhostUser() {
            try (var lock = store.lock(env.attachmentKey())) {
                Optional<Attachment> again = store.find(env.attachmentKey());
                if (again.isPresent()) {
                    log.line("ADD repeated: returning the stored result");
                    return again.get().result();
                }
                return Rollback.onFailure(log, this::attachVhostUser);
            } catch (CniError e) {
                throw e;
            } catch (Exception e) {
                throw internal(e);
            }
        }

        private Map<String, Object> attachVhostUser(Rollback rollback) throws java.io.IOException {
            MacAddress mac = conf.mac() != null ? conf.mac() : MacAddress.randomLocal(java.util.concurrent.ThreadLocalRandom.current());
            String port = VhostUserPorts.portName(env.attachmentKey());
            Path socket = conf.socketDir().resolve(VhostUserPorts.socketName(env.containerId(), env.ifname()));
            if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > VhostUserPorts.MAX_SOCKET_PATH) {
                throw CniError.config("socketDir", "socket path " + socket + " exceeds the " + VhostUserPorts.MAX_SOCKET_PATH
                        + " bytes a unix socket address holds: use a shorter directory");
            }
            java.nio.file.Files.createDirectories(conf.socketDir());
            ports.plug(port, "dpdkvhostuserclient", Map.of("vhost-server-path", socket.toString()), null);
            rollback.add("unplug OVS port " + port, () -> ports.unplug(List.of(port)));
            Map<String, Object> ipamResult = allocate(rollback);
            var result = Results.add(conf, env, mac, null, null, socket, ipamResult);
            if (conf.deviceInfoFile() != null) {
                DeviceInfoFile.write(conf.deviceInfoFile(), DeviceInfo.vhostUser(socket));
                rollback.add("remove " + conf.deviceInfoFile(), () -> DeviceInfoFile.remove(conf.deviceInfoFile()));
            }
            store.save(new Attachment(env.containerId(), env.ifname(), conf.name(), env.netns(), conf.mode(), null, null, null,
                    mac.toString(), null, null, conf.bridge(), port, null, null, socket, conf.deviceInfoFile(),
                    conf.ipam() != null, result));
            log.line("vhost-user port " + port + " on " + conf.bridge() + " -> " + socket);
            return result;
        }

        /** The IPAM plugin's addresses (none without an ipam section), released again if a later step fails. */
        private Map<String, Object> allocate(Rollback rollback) {
            if (conf.ipam() == null) return Map.of();
            Map<String, Object> result = Ipam.add(conf, env, environment, stdin);
            rollback.add("release IPAM", () -> Ipam.del(conf, env, environment, stdin));
            log.line("ipam " + conf.ipam().get("type") + ": " + result.get("ips"));
            return result;
        }

        /** Sets the device's MAC; false when this kernel or management device cannot change it (then it is only reported). */
        private boolean setMac(VdpaProvisioner vdpa, String device, MacAddress mac) {
            try {
                vdpa.setMac(device, mac);
                return true;
            } catch (ProvisioningException.KernelRefused e) {
                if (e.errno() != EOPNOTSUPP) throw new CniError(CniError.IO, "cannot set MAC " + mac + " on vDPA device " + device, e.getMessage());
                log.line("MAC not programmable on " + device + ": " + e.getMessage());
                return false;
            } catch (ProvisioningException e) {
                throw new CniError(CniError.IO, "cannot set MAC " + mac + " on vDPA device " + device, e.getMessage());
            }
        }

        /** Puts {@code original} back when the device still carries the MAC ADD gave it; a device that is gone is left alone. */
        private void restoreMac(String device, MacAddress ours, MacAddress original) {
            try (VdpaProvisioner vdpa = node.provisioner().get()) {
                Optional<ProvisionedDevice> d = vdpa.find(device);
                if (d.isEmpty()) {
                    log.line("device " + device + " is gone: no MAC to restore");
                    return;
                }
                if (!ours.equals(d.get().mac())) {
                    log.line("device " + device + " carries " + d.get().mac() + ", not ours: left as it is");
                    return;
                }
                vdpa.setMac(device, original);
            } catch (ProvisioningException e) {
                throw new CniError(CniError.IO, "cannot restore MAC " + original + " on vDPA device " + device, e.getMessage());
            }
        }

        Map<String, Object> del() {
            Attachment state;
            try {
                state = store.find(env.attachmentKey()).orElse(null);
            } catch (CniError corrupt) {
                log.line(corrupt.getMessage() + ": " + corrupt.details() + "; cleaning up from the config");
                state = null;
            }
            String device = state != null ? state.device() : deviceFromConfig();
            try (var lock = store.lock(device != null ? device : env.attachmentKey())) {
                if (state == null || state.ovsPort() != null) {
                    try {
                        ports.unplug(state == null ? List.of() : List.of(state.ovsPort()));
                    } catch (CniError e) {
                        // Without a record of a port there may be none: an unreachable OVS then does not fail DEL.
                        if (state != null) throw e;
                        log.line("no state and " + e.getMessage() + ": no OVS port to look for");
                    }
                }
                if (state != null ? state.lsp() != null : conf.mode() == AttachMode.OVN) {
                    try {
                        ports.removeLogicalPorts(state == null ? List.of() : List.of(state.lsp()));
                    } catch (CniError e) {
                        if (state != null) throw e;
                        log.line("no state and " + e.getMessage() + ": no logical port to look for");
                    }
                }
                if (state != null && state.originalMac() != null && state.device() != null) {
                    restoreMac(state.device(), MacAddress.parse(state.mac()), MacAddress.parse(state.originalMac()));
                }
                if (conf.ipam() != null) Ipam.del(conf, env, environment, stdin);
                if (state != null && state.socket() != null) java.nio.file.Files.deleteIfExists(state.socket());
                if (state != null && state.deviceInfoFile() != null) DeviceInfoFile.remove(state.deviceInfoFile());
                if (conf.deviceInfoFile() != null) DeviceInfoFile.remove(conf.deviceInfoFile());
                store.remove(env.attachmentKey());
                return Map.of();
            } catch (CniError e) {
                throw e;
            } catch (Exception e) {
                throw internal(e);
            }
        }

        /** The device DEL should lock when there is no state: the config's ID, if it still resolves to a name. */
        private String deviceFromConfig() {
            if (conf.deviceId() == null) return null;
            if (!VdpaTarget.isPciAddress(conf.deviceId())) return conf.deviceId().matches("[A-Za-z0-9_.:\\-]{1,31}") ? conf.deviceId() : null;
            var on = node.vdpa().devicesOf(conf.deviceId().toLowerCase(java.util.Locale.ROOT));
            return on.size() == 1 ? on.get(0) : null;
        }

        Map<String, Object> check() {
            if (conf.prevResult() == null) throw CniError.config("prevResult", "required for CHECK");
            Attachment state = store.find(env.attachmentKey()).orElseThrow(() -> new CniError(CniError.UNKNOWN_CONTAINER,
                    "no attachment " + env.attachmentKey() + " on network " + conf.name()));
            Results.checkAgainst(conf.prevResult(), state, env);
            if (state.device() != null) {
                VdpaTarget t = VdpaTarget.resolve(node.vdpa(), state.device());
                if (!t.node().path().equals(state.vhostNode())) {
                    throw new CniError(CniError.INTERNAL, "vDPA device " + state.device() + " now has " + t.node().path()
                            + ", attached as " + state.vhostNode());
                }
                if (state.originalMac() != null) {
                    try (VdpaProvisioner vdpa = node.provisioner().get()) {
                        MacAddress now = vdpa.get(state.device()).mac();
                        if (!MacAddress.parse(state.mac()).equals(now)) {
                            throw new CniError(CniError.INTERNAL, "vDPA device " + state.device() + " has MAC " + now + ", attached with " + state.mac());
                        }
                    }
                }
            }
            if (state.ovsPort() != null) {
                var port = ports.withOvs(sw -> sw.port(state.ovsPort())).orElseThrow(() -> new CniError(CniError.INTERNAL,
                        "OVS port " + state.ovsPort() + " of attachment " + state.key() + " is gone"));
                if (!state.bridge().equals(port.bridge())) {
                    throw new CniError(CniError.INTERNAL, "OVS port " + state.ovsPort() + " is on bridge " + port.bridge() + ", not " + state.bridge());
                }
                if (conf.mtu() != null && !conf.mtu().equals(port.mtuRequest())) {
                    throw new CniError(CniError.INTERNAL, "OVS port " + state.ovsPort() + " has mtu_request " + port.mtuRequest() + ", config says " + conf.mtu());
                }
            }
            if (state.lsp() != null) {
                var lsp = ports.withOvn(nb -> nb.port(state.lsp())).orElseThrow(() -> new CniError(CniError.INTERNAL,
                        "logical switch port " + state.lsp() + " of attachment " + state.key() + " is gone"));
                if (lsp.addresses().stream().noneMatch(a -> String.valueOf(a).startsWith(state.mac()))) {
                    throw new CniError(CniError.INTERNAL, "logical switch port " + state.lsp() + " has addresses " + lsp.addresses()
                            + ", not MAC " + state.mac());
                }
            }
            if (conf.ipam() != null) Ipam.check(conf, env, environment, stdin);
            return Map.of();
        }

        Map<String, Object> status() {
            try (var client = OvsdbClient.connect(conf.ovsdbSocket())) {
                if (!client.listDbs().contains("Open_vSwitch")) {
                    throw new CniError(CniError.NOT_AVAILABLE, "OVSDB at " + client.socket() + " holds no Open_vSwitch database");
                }
                if (conf.bridge() != null && !new OvsSwitch(client).bridgeExists(conf.bridge())) {
                    throw new CniError(CniError.NOT_AVAILABLE, "OVS bridge " + conf.bridge() + " does not exist");
                }
            } catch (OvsdbException e) {
                throw new CniError(CniError.NOT_AVAILABLE, "Open vSwitch database unreachable", e.getMessage());
            }
            if (conf.mode() == AttachMode.OVN) {
                try (var client = OvsdbClient.connect(conf.ovnNorthbound())) {
                    if (!client.listDbs().contains("OVN_Northbound")) {
                        throw new CniError(CniError.NOT_AVAILABLE, "OVSDB at " + client.socket() + " holds no OVN_Northbound database");
                    }
                } catch (OvsdbException e) {
                    throw new CniError(CniError.NOT_AVAILABLE, "OVN Northbound database unreachable", e.getMessage());
                }
            }
            return Map.of();
        }

        Map<String, Object> gc() {
            for (Attachment a : store.all()) {
                if (!conf.name().equals(a.network()) || conf.validAttachments().contains(a.key())) continue;
                log.line("GC: removing attachment " + a.key());
                new Call(new CniEnv(CniCommand.DEL, a.containerId(), a.netns(), a.ifname(), Map.of(), env.path()),
                        conf, stdin, environment, log).del();
            }
            return Map.of();
        }

        /**
         * CNI_NETNS must be a network namespace: a file on nsfs (the device /proc/self/ns/net lives on). Read with
         * file attributes, not setns: a namespace check must not cost the plugin the start-up of a native downcall.
         */
        private void checkNetns() {
            Path ns = Path.of(env.netns());
            try {
                Object nsfs = java.nio.file.Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:dev");
                Object dev = java.nio.file.Files.getAttribute(ns, "unix:dev");
                if (!nsfs.equals(dev)) {
                    throw new CniError(CniError.UNKNOWN_CONTAINER, "CNI_NETNS " + ns + " is not a network namespace",
                            "it is on device " + dev + ", namespaces are on " + nsfs);
                }
            } catch (java.io.IOException e) {
                throw new CniError(CniError.UNKNOWN_CONTAINER, "CNI_NETNS " + ns + " cannot be opened",
                        e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage());
            }
        }

        /** A failure no step turned into a CniError: the kernel's refusals are I/O errors, anything else a bug. */
        private CniError internal(Exception e) {
            if (e instanceof ProvisioningException p) return fromKernel(p);
            log.trace(e);
            return new CniError(CniError.INTERNAL, "unexpected failure: " + e, "see logFile for the stack trace");
        }
    }
}
