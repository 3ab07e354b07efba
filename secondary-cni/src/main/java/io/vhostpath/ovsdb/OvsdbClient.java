package io.vhostpath.ovsdb;

import io.vhostpath.text.Json;
import io.vhostpath.text.JsonReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OVSDB JSON-RPC client (RFC 7047) on a unix socket: {@code transact} and the server's {@code echo} keep-alive.
 * One connection per client, one request at a time: the CNI plugin opens it for one call and closes it.
 */
public final class OvsdbClient implements AutoCloseable {
    private final Path socket;
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long nextId = 1;

    private OvsdbClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /** Connects to {@code socket} (a path, or {@code unix:<path>} as ovs-vsctl's --db takes it). */
    public static OvsdbClient connect(Path socket) {
        String s = socket.toString();
        Path path = s.startsWith("unix:") ? Path.of(s.substring(5)) : socket;
        try {
            var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new OvsdbClient(path, ch);
        } catch (IOException e) {
            throw OvsdbException.unreachable("cannot connect to OVSDB at " + path + ": " + e.getMessage(), e);
        }
    }

    public Path socket() {
        return socket;
    }

    /** The databases the server holds. */
    public List<?> listDbs() {
        return (List<?>) call("list_dbs", List.of());
    }

    /**
     * Runs {@code operations} in one transaction on {@code db}; returns one result per operation. A failed
     * operation (or a commit error after them) throws, naming the operation's index, error and details.
     */
    public List<Map<String, Object>> transact(String db, List<Map<String, Object>> operations) {
        var params = new java.util.ArrayList<Object>();
        params.add(db);
        params.addAll(operations);
        List<?> results = (List<?>) call("transact", params);
        var out = new java.util.ArrayList<Map<String, Object>>();
        for (int i = 0; i < results.size(); i++) {
            @SuppressWarnings("unchecked")
            var r = (Map<String, Object>) results.get(i);
            if (r != null && r.get("error") != null) {
                String op = i < operations.size() ? operations.get(i).get("op") + " on " + operations.get(i).get("table") : "commit";
                throw OvsdbException.refused(db + " transaction refused at operation " + i + " (" + op + "): "
                        + r.get("error") + (r.get("details") == null ? "" : ": " + r.get("details")));
            }
            out.add(r);
        }
        return out;
    }

    private Object call(String method, List<?> params) {
        long id = nextId++;
        var request = new LinkedHashMap<String, Object>();
        request.put("method", method);
        request.put("params", params);
        request.put("id", id);
        send(request);
        while (true) {
            @SuppressWarnings("unchecked")
            var msg = (Map<String, Object>) JsonReader.parseObject(readMessage());
            if ("echo".equals(msg.get("method"))) {
                var reply = new LinkedHashMap<String, Object>();
                reply.put("result", msg.get("params"));
                reply.put("error", null);
                reply.put("id", msg.get("id"));
                send(reply);
                continue;
            }
            if (!Long.valueOf(id).equals(msg.get("id"))) continue; // a notification, or a reply to nobody
            if (msg.get("error") != null) throw OvsdbException.refused(method + " failed: " + msg.get("error"));
            return msg.get("result");
        }
    }

    private void send(Map<String, Object> message) {
        var bytes = ByteBuffer.wrap(Json.write(message).getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
        } catch (IOException e) {
            throw OvsdbException.unreachable("cannot write to OVSDB at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Reads until one complete JSON value has arrived: the protocol has no framing beyond JSON itself. */
    private String readMessage() {
        while (true) {
            byte[] buf = pending.toByteArray();
            int end = JsonFraming.endOfFirstValue(buf);
            if (end > 0) {
                pending.reset();
                pending.write(buf, end, buf.length - end);
                return new String(buf, 0, end, StandardCharsets.UTF_8);
            }
            in.clear();
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                throw OvsdbException.unreachable("cannot read from OVSDB at " + socket + ": " + e.getMessage(), e);
            }
            if (n < 0) throw OvsdbException.unreachable("OVSDB at " + socket + " closed the connection mid-reply", null);
            pending.write(in.array(), 0, n);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to undo: the server drops the session
        }
    }
}
