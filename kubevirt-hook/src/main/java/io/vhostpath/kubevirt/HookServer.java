package io.vhostpath.kubevirt;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.vhostpath.kubevirt.hooks.info.HookPoint;
import io.vhostpath.kubevirt.hooks.info.InfoGrpc;
import io.vhostpath.kubevirt.hooks.info.InfoParams;
import io.vhostpath.kubevirt.hooks.info.InfoResult;
import io.vhostpath.kubevirt.hooks.v1alpha1.OnDefineDomainParams;
import io.vhostpath.kubevirt.hooks.v1alpha1.OnDefineDomainResult;
import io.vhostpath.kubevirt.hooks.v1alpha2.PreCloudInitIsoParams;
import io.vhostpath.kubevirt.hooks.v1alpha2.PreCloudInitIsoResult;
import io.vhostpath.kubevirt.hooks.v1alpha3.ShutdownParams;
import io.vhostpath.kubevirt.hooks.v1alpha3.ShutdownResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The hook services virt-launcher calls: Info, and the Callbacks of each hook API version, all answering
 * OnDefineDomain with {@link DomainMutation}. A mutation that fails is an INVALID_ARGUMENT status with its message,
 * which virt-launcher reports on the VMI; nothing is half-done and the server goes on serving.
 */
final class HookServer {
    static final String ON_DEFINE_DOMAIN = "OnDefineDomain";
    static final List<String> VERSIONS = List.of("v1alpha1", "v1alpha2", "v1alpha3");

    private final String binding;
    private final Path networkInfo;
    private final Map<String, String> env;
    private final Runnable onShutdown;

    /**
     * @param networkInfo the downward API file; read on each call (it is there before virt-launcher calls)
     * @param onShutdown  what virt-launcher's Shutdown does: stop serving, so the container exits
     */
    HookServer(String binding, Path networkInfo, Map<String, String> env, Runnable onShutdown) {
        this.binding = binding;
        this.networkInfo = networkInfo;
        this.env = env;
        this.onShutdown = onShutdown;
    }

    BindableService[] services() {
        return new BindableService[] {new Info(), new V1alpha1(), new V1alpha2(), new V1alpha3()};
    }

    private final class Info extends InfoGrpc.InfoImplBase {
        @Override
        public void info(InfoParams request, StreamObserver<InfoResult> out) {
            out.onNext(InfoResult.newBuilder().setName(binding).addHookPoints(HookPoint.newBuilder().setName(ON_DEFINE_DOMAIN).setPriority(0))
                    .addAllVersions(VERSIONS).build());
            out.onCompleted();
        }
    }

    private void onDefineDomain(OnDefineDomainParams request, StreamObserver<OnDefineDomainResult> out) {
        try {
            String domain = DomainMutation.apply(request.getDomainXML().toStringUtf8(), request.getVmi().toStringUtf8(), networkInfo(), env, binding);
            out.onNext(OnDefineDomainResult.newBuilder().setDomainXML(ByteString.copyFromUtf8(domain)).build());
            out.onCompleted();
        } catch (MutationException e) {
            System.err.println("vhostpath-kubevirt-hook: OnDefineDomain refused: " + e.getMessage());
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        } catch (IOException | RuntimeException e) {
            System.err.println("vhostpath-kubevirt-hook: OnDefineDomain failed: " + e);
            out.onError(Status.INTERNAL.withDescription(String.valueOf(e)).asRuntimeException());
        }
    }

    private String networkInfo() throws IOException {
        try {
            return Files.readString(networkInfo, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null; // no downward API: the device plugin's environment is all there is
        }
    }

    /** This plugin has no cloud-init business: what comes in goes out. */
    private static void preCloudInitIso(PreCloudInitIsoParams request, StreamObserver<PreCloudInitIsoResult> out) {
        out.onNext(PreCloudInitIsoResult.newBuilder().setCloudInitNoCloudSource(request.getCloudInitNoCloudSource())
                .setCloudInitData(request.getCloudInitData()).build());
        out.onCompleted();
    }

    private final class V1alpha1 extends io.vhostpath.kubevirt.hooks.v1alpha1.CallbacksGrpc.CallbacksImplBase {
        @Override
        public void onDefineDomain(OnDefineDomainParams request, StreamObserver<OnDefineDomainResult> out) {
            HookServer.this.onDefineDomain(request, out);
        }
    }

    private final class V1alpha2 extends io.vhostpath.kubevirt.hooks.v1alpha2.CallbacksGrpc.CallbacksImplBase {
        @Override
        public void onDefineDomain(OnDefineDomainParams request, StreamObserver<OnDefineDomainResult> out) {
            HookServer.this.onDefineDomain(request, out);
        }

        @Override
        public void preCloudInitIso(PreCloudInitIsoParams request, StreamObserver<PreCloudInitIsoResult> out) {
            HookServer.preCloudInitIso(request, out);
        }
    }

    private final class V1alpha3 extends io.vhostpath.kubevirt.hooks.v1alpha3.CallbacksGrpc.CallbacksImplBase {
        @Override
        public void onDefineDomain(OnDefineDomainParams request, StreamObserver<OnDefineDomainResult> out) {
            HookServer.this.onDefineDomain(request, out);
        }

        @Override
        public void preCloudInitIso(PreCloudInitIsoParams request, StreamObserver<PreCloudInitIsoResult> out) {
            HookServer.preCloudInitIso(request, out);
        }

        @Override
        public void shutdown(ShutdownParams request, StreamObserver<ShutdownResult> out) {
            out.onNext(ShutdownResult.getDefaultInstance());
            out.onCompleted();
            onShutdown.run();
        }
    }
}
