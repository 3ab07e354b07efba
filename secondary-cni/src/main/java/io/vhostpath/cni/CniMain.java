package io.vhostpath.cni;

import io.vhostpath.text.Json;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The plugin binary: environment and stdin in, one JSON document on stdout, exit 0 or 1. Nothing else reaches
 * stdout, and no stack trace reaches the runtime: an unexpected failure is error 999 (its trace goes to logFile).
 */
public final class CniMain {
    private CniMain() {}

    public static void main(String[] args) {
        int rc = run(System.getenv(), readStdin(), System.out, CniPlugin.system());
        // Everything is written and flushed (stdout, state files fsynced, the log): no shutdown hooks to wait for.
        System.out.flush();
        Runtime.getRuntime().halt(rc);
    }

    static int run(Map<String, String> environment, String stdin, PrintStream out, CniPlugin plugin) {
        String version = "1.1.0";
        try {
            version = declaredVersion(stdin, version);
            CniEnv env = CniEnv.from(environment);
            Map<String, Object> doc = plugin.run(env, stdin, environment);
            if (!doc.isEmpty()) out.println(Json.write(doc));
            out.flush();
            return 0;
        } catch (CniError e) {
            out.println(Json.write(e.toDocument(version)));
        } catch (RuntimeException | Error e) {
            out.println(Json.write(new CniError(CniError.INTERNAL, "unexpected failure: " + e).toDocument(version)));
        }
        out.flush();
        return 1;
    }

    /** The cniVersion the caller speaks, for the error document: the config's when it has a usable one. */
    private static String declaredVersion(String stdin, String otherwise) {
        try {
            if (JsonReader.parseObject(stdin).get("cniVersion") instanceof String v && NetConf.SUPPORTED_VERSIONS.contains(v)) return v;
        } catch (RuntimeException notJson) {
            // decoded again, and reported, by the command itself
        }
        return otherwise;
    }

    private static String readStdin() {
        try {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
