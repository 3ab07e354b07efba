package io.vhostpath.kubevirt;

import io.grpc.Server;
import io.vhostpath.grpc.UnixGrpc;
import io.vhostpath.sys.Version;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code vhostpath-kubevirt-hook}: the network binding plugin's sidecar in the virt-launcher pod. Serves the hook API
 * on {@code /var/run/kubevirt-hooks/<binding>.sock} until virt-launcher calls Shutdown or the pod stops it.
 */
public final class HookMain {
    static final String USAGE = """
            usage: vhostpath-kubevirt-hook [--binding NAME (vdpa)] [--socket PATH (/var/run/kubevirt-hooks/NAME.sock)]
                                           [--network-info PATH (/etc/podinfo/network-info)]
            """;

    private HookMain() {}

    public static void main(String[] args) throws Exception {
        if (Version.answered("vhostpath-kubevirt-hook", USAGE, args)) return;
        String binding = "vdpa";
        Path socket = null;
        Path networkInfo = Path.of("/etc/podinfo/network-info");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--binding" -> binding = value(args, ++i);
                case "--socket" -> socket = Path.of(value(args, ++i));
                case "--network-info" -> networkInfo = Path.of(value(args, ++i));
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (socket == null) socket = Path.of("/var/run/kubevirt-hooks", binding + ".sock");
        if (!Files.isDirectory(socket.getParent())) usage("no directory " + socket.getParent() + " for the socket (is the hooks volume mounted?)");
        var stop = new CountDownLatch(1);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM: let main remove the socket before the JVM halts
            stop.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (var grpc = new UnixGrpc()) {
            Server server = grpc.serve(socket, new HookServer(binding, networkInfo, System.getenv(), stop::countDown).services());
            System.err.println("vhostpath-kubevirt-hook: serving binding '" + binding + "' on " + socket + " (hook API " + HookServer.VERSIONS + ")");
            stop.await();
            server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            Files.deleteIfExists(socket);
            System.err.println("vhostpath-kubevirt-hook: shut down");
            stopped.countDown();
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) usage(args[i - 1] + " needs a value");
        return args[i];
    }

    private static void usage(String problem) {
        System.err.print("vhostpath-kubevirt-hook: " + problem + "\n" + USAGE);
        System.exit(2);
    }
}
