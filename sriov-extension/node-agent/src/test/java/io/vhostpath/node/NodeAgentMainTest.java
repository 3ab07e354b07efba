package io.vhostpath.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: usage errors and an invalid desired state exit 2 with the reason, before the node is touched. */
class NodeAgentMainTest {
    @TempDir Path tmp;

    private String[] run(int expected, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int rc = NodeAgentMain.run(args, new PrintStream(out, true), new PrintStream(err, true));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(expected, rc, e);
        return new String[] {out.toString(StandardCharsets.UTF_8), e};
    }

    @Test
    void usage_errors_name_the_argument() {
        assertTrue(run(2)[1].contains("--desired-state FILE is required"));
        assertTrue(run(2, "--desired-state", "x", "--interval", "0")[1].contains("--interval '0': a whole number >= 1"));
        assertTrue(run(2, "--desired-state", "x", "--frobnicate")[1].contains("unknown argument '--frobnicate'"));
    }

    @Test
    void an_invalid_desired_state_names_file_and_fields_and_writes_nothing() throws Exception {
        Path f = tmp.resolve("desired.json");
        Files.writeString(f, "{\"node\": \"n\", \"policies\": [{\"name\": \"p\", \"resourceName\": \"r\", \"numVfs\": -1, "
                + "\"vdpaType\": \"vhost\", \"nicSelector\": {\"pfNames\": [\"ens1f0#3-1\"]}}]}");
        String err = run(2, "--once", "--desired-state", f.toString(), "--state-dir", tmp.resolve("state").toString())[1];
        assertTrue(err.startsWith("vhostpath-node-agent: " + f + ": "), err);
        assertTrue(err.contains("numVfs") && err.contains("starts after it ends"), err);
        assertFalse(Files.exists(tmp.resolve("state")), "nothing written for a refused file");
        assertTrue(run(2, "--once", "--desired-state", tmp.resolve("missing.json").toString())[1].contains("cannot read the desired state"));
    }
}
