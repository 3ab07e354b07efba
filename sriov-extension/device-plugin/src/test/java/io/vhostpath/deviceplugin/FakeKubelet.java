package io.vhostpath.deviceplugin;

import io.vhostpath.grpc.UnixGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.vhostpath.deviceplugin.api.DevicePluginGrpc;
import io.vhostpath.deviceplugin.api.Empty;
import io.vhostpath.deviceplugin.api.ListAndWatchResponse;
import io.vhostpath.deviceplugin.api.RegisterRequest;
import io.vhostpath.deviceplugin.api.RegistrationGrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Kubelet's side of the device plugin protocol, built from the same v1beta1 proto and spoken over real unix
 * sockets: the Registration service on {@code kubelet.sock}, and a device-manager client that dials a registered
 * plugin's endpoint and follows its ListAndWatch stream. No kubelet can run here; this is the closest stand-in: the
 * wire protocol is kubelet's, its policy (admission, checkpoints) is not modelled.
 */
public final class FakeKubelet implements AutoCloseable {
    public final Path dir;
    final BlockingQueue<RegisterRequest> registrations = new LinkedBlockingQueue<>();
    private final UnixGrpc grpc = new UnixGrpc();
    private Server server;

    public FakeKubelet(Path dir) throws IOException {
        this.dir = dir;
        start();
    }

    void start() throws IOException {
        server = grpc.serve(dir.resolve("kubelet.sock"), new RegistrationGrpc.RegistrationImplBase() {
            @Override
            public void register(RegisterRequest request, StreamObserver<Empty> response) {
                registrations.add(request);
                response.onNext(Empty.getDefaultInstance());
                response.onCompleted();
            }
        });
    }

    /**
     * A kubelet restart: the registration server goes, kubelet removes every socket in the directory, stays down for
     * {@code downMillis}, and comes back.
     */
    void restart(long downMillis) throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        try (var s = Files.newDirectoryStream(dir, "*.sock")) {
            for (Path p : s) Files.delete(p);
        }
        Thread.sleep(downMillis);
        start();
    }

    public RegisterRequest nextRegistration(long millis) throws InterruptedException {
        return registrations.poll(millis, TimeUnit.MILLISECONDS);
    }

    public ManagedChannel dial(RegisterRequest r) {
        return grpc.connect(dir.resolve(r.getEndpoint()));
    }

    /** Follows the plugin's ListAndWatch, every list it sends into the queue. */
    public static BlockingQueue<ListAndWatchResponse> watch(ManagedChannel channel) {
        var lists = new LinkedBlockingQueue<ListAndWatchResponse>();
        DevicePluginGrpc.newStub(channel).listAndWatch(Empty.getDefaultInstance(), new StreamObserver<>() {
            public void onNext(ListAndWatchResponse r) { lists.add(r); }
            public void onError(Throwable t) { }
            public void onCompleted() { }
        });
        return lists;
    }

    @Override
    public void close() {
        server.shutdownNow();
        grpc.close();
    }
}
