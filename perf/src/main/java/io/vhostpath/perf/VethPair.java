package io.vhostpath.perf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Two private network namespaces joined by a veth pair, both ends up: one for a tester, one for a device under test,
 * so that nothing else on the machine sees their traffic. Closing deletes the namespaces, and the pair with them.
 */
final class VethPair implements AutoCloseable {
    private final String testerNs;
    private final String dutNs;

    VethPair(String name) throws IOException, InterruptedException {
        this.testerNs = name + "-t";
        this.dutNs = name + "-d";
        try {
            ip("netns", "add", testerNs);
            ip("netns", "add", dutNs);
            ip("-n", testerNs, "link", "add", testerIface(), "type", "veth", "peer", "name", dutIface(), "netns", dutNs);
            ip("-n", testerNs, "link", "set", testerIface(), "up");
            ip("-n", dutNs, "link", "set", dutIface(), "up");
        } catch (IOException | InterruptedException e) {
            close();
            throw e;
        }
    }

    String testerIface() {
        return "vpt0";
    }

    String dutIface() {
        return "vpd0";
    }

    /** The command prefix that runs a program in the tester's namespace. */
    List<String> testerExec() {
        return List.of("ip", "netns", "exec", testerNs);
    }

    List<String> dutExec() {
        return List.of("ip", "netns", "exec", dutNs);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        var cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : List.of(testerNs, dutNs)) {
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor();
        }
    }
}
