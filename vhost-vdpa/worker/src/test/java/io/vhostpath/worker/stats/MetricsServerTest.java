package io.vhostpath.worker.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The metrics endpoint stays responsive while clients misbehave: slow requests hold no one else up. */
class MetricsServerTest {
    @Test
    @Timeout(60)
    void health_answers_while_more_slow_clients_than_threads_hold_half_written_requests() throws Exception {
        var snapshot = Snapshot.empty("io");
        try (var server = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> snapshot)) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    var s = new Socket(server.address().getAddress(), server.address().getPort());
                    OutputStream out = s.getOutputStream();
                    out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // never finished
                    out.flush();
                    slow.add(s);
                }
                var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
                var health = http.send(HttpRequest.newBuilder(URI.create("http://" + server.address().getHostString() + ":"
                        + server.address().getPort() + "/healthz")).timeout(Duration.ofSeconds(45)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(snapshot.healthy() ? 200 : 503, health.statusCode());
            } finally {
                for (Socket s : slow) s.close();
            }
        }
    }
}
