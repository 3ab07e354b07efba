package io.vhostpath.worker.stats;

import io.vhostpath.text.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The worker's HTTP endpoint on the kernel interface: {@code /metrics} (Prometheus text format 0.0.4),
 * {@code /healthz} (200 while every polling thread runs and every link is up, else 503) and {@code /stats} (JSON). A few daemon
 * threads, nowhere near the data path.
 *
 * <p>The JDK server reads a request on its handler thread, so a client that connects and never finishes its
 * request holds a thread: several threads keep {@code /healthz} answering, and the server drops a request not
 * read within {@link #REQUEST_SECONDS} (and a response not taken within as long).
 */
public final class MetricsServer implements AutoCloseable {
    static final int REQUEST_SECONDS = 5;
    private static final int THREADS = 4;

    static {
        // Read once, when the JDK's server configuration class loads: before the first server is created.
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
    }

    private final HttpServer server;

    public MetricsServer(InetSocketAddress address, Supplier<Snapshot> snapshots) throws IOException {
        server = HttpServer.create(address, 16);
        server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> Thread.ofPlatform().daemon().name("metrics-http").unstarted(r)));
        server.createContext("/metrics", x -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8",
                SnapshotFormats.prometheus(snapshots.get())));
        server.createContext("/healthz", x -> {
            boolean ok = snapshots.get().healthy();
            send(x, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not polling, or a link is down\n");
        });
        server.createContext("/stats", x -> send(x, 200, "application/json",
                Json.write(SnapshotFormats.toMap(snapshots.get())) + "\n"));
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (var out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
