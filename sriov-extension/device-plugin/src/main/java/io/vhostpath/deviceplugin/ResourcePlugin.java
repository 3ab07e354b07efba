package io.vhostpath.deviceplugin;

import io.vhostpath.grpc.UnixGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vhostpath.deviceplugin.api.AllocateRequest;
import io.vhostpath.deviceplugin.api.AllocateResponse;
import io.vhostpath.deviceplugin.api.ContainerAllocateRequest;
import io.vhostpath.deviceplugin.api.ContainerPreferredAllocationRequest;
import io.vhostpath.deviceplugin.api.ContainerPreferredAllocationResponse;
import io.vhostpath.deviceplugin.api.Device;
import io.vhostpath.deviceplugin.api.DevicePluginGrpc;
import io.vhostpath.deviceplugin.api.DevicePluginOptions;
import io.vhostpath.deviceplugin.api.Empty;
import io.vhostpath.deviceplugin.api.ListAndWatchResponse;
import io.vhostpath.deviceplugin.api.NUMANode;
import io.vhostpath.deviceplugin.api.PreStartContainerRequest;
import io.vhostpath.deviceplugin.api.PreStartContainerResponse;
import io.vhostpath.deviceplugin.api.PreferredAllocationRequest;
import io.vhostpath.deviceplugin.api.PreferredAllocationResponse;
import io.vhostpath.deviceplugin.api.RegisterRequest;
import io.vhostpath.deviceplugin.api.TopologyInfo;
import io.vhostpath.vdpa.DeviceInfo;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device plugin of one resource: its gRPC server on {@code vhostpath-<name>.sock}, its current devices with
 * their health, and every ListAndWatch stream kubelet holds open, each sent the full list again whenever a
 * device comes, goes, or changes health.
 */
final class ResourcePlugin extends DevicePluginGrpc.DevicePluginImplBase {
    static final String API_VERSION = "v1beta1";

    private final String resource;
    private final String name;
    private final PluginSettings settings;
    private final VdpaSysfs vdpa;
    private final Set<ServerCallStreamObserver<ListAndWatchResponse>> watchers = ConcurrentHashMap.newKeySet();
    private volatile Map<String, DeviceHealth> devices = Map.of();
    private Server server;

    ResourcePlugin(String prefix, String name, PluginSettings settings, VdpaSysfs vdpa) {
        this.resource = prefix + "/" + name;
        this.name = name;
        this.settings = settings;
        this.vdpa = vdpa;
    }

    String resource() {
        return resource;
    }

    String endpoint() {
        return "vhostpath-" + name + ".sock";
    }

    Path socket() {
        return settings.pluginDir().resolve(endpoint());
    }

    RegisterRequest registration() {
        return RegisterRequest.newBuilder().setVersion(API_VERSION).setEndpoint(endpoint()).setResourceName(resource)
                .setOptions(options()).build();
    }

    private DevicePluginOptions options() {
        return DevicePluginOptions.newBuilder().setPreStartRequired(settings.preStartCheck()).setGetPreferredAllocationAvailable(true).build();
    }

    /** (Re)starts the server on a fresh socket: kubelet removes the plugins' sockets when it restarts. */
    synchronized void serve(UnixGrpc grpc) throws IOException {
        stop();
        server = grpc.serve(socket(), this);
    }

    synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
        for (var w : watchers) w.onCompleted();
        watchers.clear();
    }

    /** Takes the devices as they are now; true (and every watcher told) when the list or a health changed. */
    synchronized boolean update(List<DeviceHealth> now) throws IOException {
        var next = new LinkedHashMap<String, DeviceHealth>();
        for (DeviceHealth h : now) next.put(h.device().id(), h);
        if (sameAdvertisement(devices, next)) {
            devices = next; // same health, perhaps a new node number after a recreate: keep the newest paths
            return false;
        }
        devices = next;
        if (settings.cdiDir() != null) CdiSpec.write(settings.cdiDir(), resource, now.stream().filter(DeviceHealth::healthy).toList());
        ListAndWatchResponse list = list();
        for (var w : watchers) send(w, list);
        return true;
    }

    private static boolean sameAdvertisement(Map<String, DeviceHealth> a, Map<String, DeviceHealth> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (var e : a.entrySet()) if (e.getValue().healthy() != b.get(e.getKey()).healthy()) return false;
        return true;
    }

    int watchers() {
        return watchers.size();
    }

    Map<String, DeviceHealth> devices() {
        return devices;
    }

    private ListAndWatchResponse list() {
        var r = ListAndWatchResponse.newBuilder();
        for (DeviceHealth h : devices.values()) {
            var d = Device.newBuilder().setID(h.device().id()).setHealth(h.kubeletHealth());
            if (h.device().numaNode() >= 0) d.setTopology(TopologyInfo.newBuilder().addNodes(NUMANode.newBuilder().setID(h.device().numaNode())));
            r.addDevices(d);
        }
        return r.build();
    }

    /** One stream is never written from two threads at once (gRPC's rule): sends go through this lock. */
    private synchronized void send(ServerCallStreamObserver<ListAndWatchResponse> w, ListAndWatchResponse list) {
        if (w.isCancelled()) {
            watchers.remove(w);
            return;
        }
        w.onNext(list);
    }

    @Override
    public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> response) {
        response.onNext(options());
        response.onCompleted();
    }

    @Override
    public void listAndWatch(Empty request, StreamObserver<ListAndWatchResponse> response) {
        var w = (ServerCallStreamObserver<ListAndWatchResponse>) response;
        w.setOnCancelHandler(() -> watchers.remove(w));
        synchronized (this) {
            watchers.add(w);
            send(w, list());
        }
    }

    @Override
    public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> response) {
        var out = AllocateResponse.newBuilder();
        for (ContainerAllocateRequest c : request.getContainerRequestsList()) {
            var granted = new ArrayList<DeviceHealth>();
            for (String id : c.getDevicesIdsList()) {
                DeviceHealth h = recheck(id);
                if (h == null) {
                    response.onError(Status.INVALID_ARGUMENT.withDescription(resource + ": unknown device " + id).asRuntimeException());
                    return;
                }
                if (!h.healthy()) {
                    response.onError(Status.FAILED_PRECONDITION.withDescription(resource + ": device " + id + " is unhealthy: " + h.problem())
                            .asRuntimeException());
                    return;
                }
                granted.add(h);
            }
            try {
                for (DeviceHealth h : granted) {
                    DeviceInfo.write(DeviceInfo.devicePluginFile(settings.deviceInfoDir(), resource, h.device().id()),
                            DeviceInfo.vdpa(h.device().vdpaName(), "vhost", h.node().path(), h.device().pciAddress()));
                }
            } catch (IOException e) {
                response.onError(Status.INTERNAL.withDescription(resource + ": cannot write device-info: " + e.getMessage()).asRuntimeException());
                return;
            }
            out.addContainerResponses(Allocation.container(resource, granted, settings.cdiDir() == null ? null : resource));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    /** The device's health this instant (its /dev node may have changed since the last poll), or null if unknown. */
    private DeviceHealth recheck(String id) {
        DeviceHealth known = devices.get(id);
        return known == null ? null : DeviceHealth.check(known.device(), vdpa);
    }

    @Override
    public void getPreferredAllocation(PreferredAllocationRequest request, StreamObserver<PreferredAllocationResponse> response) {
        var known = new LinkedHashMap<String, PluginDevice>();
        devices.forEach((id, h) -> known.put(id, h.device()));
        var out = PreferredAllocationResponse.newBuilder();
        for (ContainerPreferredAllocationRequest c : request.getContainerRequestsList()) {
            out.addContainerResponses(ContainerPreferredAllocationResponse.newBuilder().addAllDeviceIDs(PreferredAllocation.choose(
                    c.getAvailableDeviceIDsList(), c.getMustIncludeDeviceIDsList(), c.getAllocationSize(), known)));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void preStartContainer(PreStartContainerRequest request, StreamObserver<PreStartContainerResponse> response) {
        for (String id : request.getDevicesIdsList()) {
            DeviceHealth h = recheck(id);
            if (h == null || !h.healthy()) {
                response.onError(Status.FAILED_PRECONDITION.withDescription(resource + ": device " + id + " is "
                        + (h == null ? "unknown" : "unhealthy: " + h.problem())).asRuntimeException());
                return;
            }
        }
        response.onNext(PreStartContainerResponse.getDefaultInstance());
        response.onCompleted();
    }
}
