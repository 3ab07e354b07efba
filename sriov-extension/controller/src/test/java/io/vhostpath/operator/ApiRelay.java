package io.vhostpath.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of the mock API server that can be cut: clients see the API server go away (connections reset,
 * new ones refused) and come back on the same address, while the server behind it keeps its objects.
 */
final class ApiRelay implements AutoCloseable {
    private final int upstream;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    ApiRelay(int upstream) throws IOException {
        this.upstream = upstream;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = listener.getLocalPort();
        serve(listener);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The API server is unreachable from now on: every connection through the relay is closed, new ones refused. */
    void cut() throws IOException {
        listener.close();
        for (Socket s : open) s.close();
        open.clear();
    }

    /** Reachable again, on the same port. */
    void restore() throws IOException {
        var l = new ServerSocket();
        l.setReuseAddress(true);
        l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener = l;
        serve(l);
    }

    private void serve(ServerSocket l) {
        Thread.ofVirtual().name("api-relay-accept").start(() -> {
            while (!l.isClosed()) {
                try {
                    Socket client = l.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream);
                    open.add(client);
                    open.add(server);
                    // Accepted while cut() ran: cut() may have closed the set before these joined it.
                    if (l.isClosed()) {
                        client.close();
                        server.close();
                        return;
                    }
                    pump(client, server);
                    pump(server, client);
                } catch (IOException e) {
                    return; // cut
                }
            }
        });
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().name("api-relay-pump").start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side went away: close both below
            } finally {
                close(from);
                close(to);
            }
        });
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
