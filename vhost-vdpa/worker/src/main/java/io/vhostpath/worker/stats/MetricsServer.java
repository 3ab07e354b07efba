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
 * {@code /healthz} (200 while every polling thread runs, else 503) and {@code /stats} (JSON). One small
 * daemon thread, nowhere near the data path.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    public MetricsServer(InetSocketAddress address, Supplier<Snapshot> snapshots) throws IOException {
        server = HttpServer.create(address, 8);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("metrics-http").unstarted(r)));
        server.createContext("/metrics", x -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8",
                SnapshotFormats.prometheus(snapshots.get())));
        server.createContext("/healthz", x -> {
            boolean ok = snapshots.get().healthy();
            send(x, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "polling stopped\n");
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
