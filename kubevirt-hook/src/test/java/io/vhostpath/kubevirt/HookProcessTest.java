package io.vhostpath.kubevirt;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vhostpath.grpc.UnixGrpc;
import io.vhostpath.kubevirt.hooks.info.InfoGrpc;
import io.vhostpath.kubevirt.hooks.info.InfoParams;
import io.vhostpath.kubevirt.hooks.info.InfoResult;
import io.vhostpath.kubevirt.hooks.v1alpha1.OnDefineDomainParams;
import io.vhostpath.kubevirt.hooks.v1alpha2.PreCloudInitIsoParams;
import io.vhostpath.kubevirt.hooks.v1alpha3.ShutdownParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.vhostpath.kubevirt.Fixtures.DOMAIN;
import static io.vhostpath.kubevirt.Fixtures.NETWORK_INFO;
import static io.vhostpath.kubevirt.Fixtures.VMI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sidecar as a process, and virt-launcher's side of the hook protocol as a gRPC client over its unix socket:
 * Info, OnDefineDomain in each version (repeated and concurrent), an error, PreCloudInitIso, and Shutdown, after
 * which the process exits 0 and its socket is gone.
 */
class HookProcessTest {
    @TempDir Path dir;
    private Process sidecar;
    private UnixGrpc grpc;
    private ManagedChannel channel;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("hooks/vdpa.sock");
        Files.createDirectories(socket.getParent());
        Path info = dir.resolve("network-info");
        Files.writeString(info, NETWORK_INFO);
        sidecar = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                HookMain.class.getName(), "--socket", socket.toString(), "--network-info", info.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sidecar.log").toFile()).start();
        for (int i = 0; i < 300 && !Files.exists(socket); i++) Thread.sleep(50); // a socket appears once it listens
        assertTrue(Files.exists(socket), "no socket after 15 s: " + Files.readString(dir.resolve("sidecar.log")));
        grpc = new UnixGrpc();
        channel = grpc.connect(socket);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        grpc.close();
        sidecar.destroyForcibly().waitFor();
    }

    private static OnDefineDomainParams params(String domain) {
        return OnDefineDomainParams.newBuilder().setDomainXML(ByteString.copyFromUtf8(domain)).setVmi(ByteString.copyFromUtf8(VMI)).build();
    }

    @Test
    void virt_launchers_calls_in_every_version_then_shutdown() throws Exception {
        InfoResult info = InfoGrpc.newBlockingStub(channel).info(InfoParams.getDefaultInstance());
        assertEquals("vdpa", info.getName());
        assertEquals(List.of("v1alpha1", "v1alpha2", "v1alpha3"), info.getVersionsList());
        assertEquals("OnDefineDomain", info.getHookPoints(0).getName());

        String expected = DomainMutation.apply(DOMAIN, VMI, NETWORK_INFO, Map.of(), "vdpa");
        var v1 = io.vhostpath.kubevirt.hooks.v1alpha1.CallbacksGrpc.newBlockingStub(channel);
        var v2 = io.vhostpath.kubevirt.hooks.v1alpha2.CallbacksGrpc.newBlockingStub(channel);
        var v3 = io.vhostpath.kubevirt.hooks.v1alpha3.CallbacksGrpc.newBlockingStub(channel);
        assertEquals(expected, v1.onDefineDomain(params(DOMAIN)).getDomainXML().toStringUtf8());
        assertEquals(expected, v2.onDefineDomain(params(DOMAIN)).getDomainXML().toStringUtf8());
        String once = v3.onDefineDomain(params(DOMAIN)).getDomainXML().toStringUtf8();
        assertEquals(expected, once);
        assertEquals(once, v3.onDefineDomain(params(once)).getDomainXML().toStringUtf8(), "a repeated call on its output");

        var cloudInit = PreCloudInitIsoParams.newBuilder().setCloudInitData(ByteString.copyFromUtf8("{\"userData\":\"x\"}"))
                .setVmi(ByteString.copyFromUtf8(VMI)).build();
        assertEquals("{\"userData\":\"x\"}", v3.preCloudInitIso(cloudInit).getCloudInitData().toStringUtf8());

        var broken = assertThrows(StatusRuntimeException.class, () -> v3.onDefineDomain(params("<domain><devices>")));
        assertEquals(Status.Code.INVALID_ARGUMENT, broken.getStatus().getCode());
        assertTrue(broken.getStatus().getDescription().startsWith("domain XML is not well-formed"), broken.getStatus().getDescription());

        try (var pool = Executors.newFixedThreadPool(8)) {
            var calls = new ArrayList<Future<String>>();
            for (int i = 0; i < 200; i++) {
                Callable<String> call = i % 2 == 0 ? () -> v3.onDefineDomain(params(DOMAIN)).getDomainXML().toStringUtf8()
                        : () -> v1.onDefineDomain(params(DOMAIN)).getDomainXML().toStringUtf8();
                calls.add(pool.submit(call));
            }
            for (var c : calls) assertEquals(expected, c.get(30, TimeUnit.SECONDS));
        }
        assertTrue(sidecar.isAlive(), "the error and 200 concurrent calls left it serving");

        v3.shutdown(ShutdownParams.getDefaultInstance());
        assertTrue(sidecar.waitFor(15, TimeUnit.SECONDS), "still running 15 s after Shutdown");
        assertEquals(0, sidecar.exitValue(), Files.readString(dir.resolve("sidecar.log")));
        assertFalse(Files.exists(socket), "its socket removed");
    }

    @Test
    void sigterm_removes_the_socket_too() throws Exception {
        assertTrue(InfoGrpc.newBlockingStub(channel).info(InfoParams.getDefaultInstance()).getVersionsCount() == 3);
        sidecar.destroy();
        assertTrue(sidecar.waitFor(15, TimeUnit.SECONDS));
        assertFalse(Files.exists(socket), "its socket removed: " + Files.readString(dir.resolve("sidecar.log")));
    }
}
