package io.vhostpath.vdpa.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** iproute2's {@code vdpa} on the same kernel: the reference our library is compared with. */
final class Iproute2 {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Iproute2() {}

    record Result(int exit, String output) {}

    static Result vdpa(String... args) throws IOException, InterruptedException {
        var cmd = new ArrayList<>(List.of("vdpa"));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    /** {@code vdpa -j ARGS}, parsed; iproute2 6.1 pads some keys with a space, so keys are trimmed. */
    static JsonNode json(String... args) throws IOException, InterruptedException {
        var all = new ArrayList<>(List.of("-j"));
        all.addAll(List.of(args));
        var r = vdpa(all.toArray(String[]::new));
        if (r.exit() != 0) throw new IOException("vdpa " + all + " exited " + r.exit() + ": " + r.output());
        return trimKeys(JSON.readTree(r.output()));
    }

    private static JsonNode trimKeys(JsonNode node) {
        if (node.isObject()) {
            var out = JSON.createObjectNode();
            node.properties().forEach(e -> out.set(e.getKey().strip(), trimKeys(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(n -> out.add(trimKeys(n)));
            return out;
        }
        return node;
    }
}
