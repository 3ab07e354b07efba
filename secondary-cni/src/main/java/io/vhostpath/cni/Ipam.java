package io.vhostpath.cni;

import io.vhostpath.text.Json;
import io.vhostpath.text.JsonFormatException;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Delegation to the IPAM plugin the config names ({@code ipam.type}), found in CNI_PATH and run with the same
 * stdin and environment but its own CNI_COMMAND, as libcni's invoke.DelegateAdd/Del do.
 */
final class Ipam {
    private static final long TIMEOUT_SECONDS = 60;

    private Ipam() {}

    /** ADD: the IPAM plugin's result (ips, routes, dns). */
    static Map<String, Object> add(NetConf conf, CniEnv env, Map<String, String> environment, String stdin) {
        return run("ADD", conf, env, environment, stdin);
    }

    /** CHECK: the IPAM plugin confirms its allocation; an error document becomes a {@link CniError}. */
    static void check(NetConf conf, CniEnv env, Map<String, String> environment, String stdin) {
        run("CHECK", conf, env, environment, stdin);
    }

    /** DEL: releases the allocation (the IPAM plugins succeed when there is nothing to release). */
    static void del(NetConf conf, CniEnv env, Map<String, String> environment, String stdin) {
        run("DEL", conf, env, environment, stdin);
    }

    /**
     * The config in a version the IPAM plugin speaks: a 1.1.0 config goes to a plugin that stops at 1.0.0 (Debian 12's
     * containernetworking-plugins) as 1.0.0, whose IPAM result has the same shape. Asks the plugin's VERSION only then.
     */
    private static String spokenBy(Path plugin, String type, NetConf conf, Map<String, String> environment, String stdin) {
        if (conf.cniVersion().equals("1.0.0")) return stdin;
        var env = new java.util.HashMap<>(environment);
        env.put("CNI_COMMAND", "VERSION");
        Exec answer = exec(plugin, type, "VERSION", env, "{\"cniVersion\":\"" + conf.cniVersion() + "\"}");
        try {
            if (JsonReader.parseObject(answer.out()).get("supportedVersions") instanceof java.util.List<?> versions
                    && !versions.contains(conf.cniVersion()) && versions.contains("1.0.0")) {
                var downgraded = new java.util.LinkedHashMap<>(conf.raw());
                downgraded.put("cniVersion", "1.0.0");
                return Json.write(downgraded);
            }
        } catch (JsonFormatException e) {
            throw new CniError(CniError.INTERNAL, "ipam plugin " + type + " VERSION printed no JSON", answer.out().strip());
        }
        return stdin;
    }

    private record Exec(int rc, String out, String err) {}

    /** Runs the plugin with exactly {@code env}; a plugin that exits without reading all of stdin is no error. */
    private static Exec exec(Path plugin, String type, String command, Map<String, String> env, String input) {
        var pb = new ProcessBuilder(plugin.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedEarly) {
                // its answer, or its exit status, says what happened
            }
            // IPAM plugins write little to stderr: reading it after stdout cannot fill its pipe first.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniError(CniError.TRY_AGAIN_LATER, "ipam plugin " + type + " " + command + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Exec(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new CniError(CniError.IO, "cannot run ipam plugin " + plugin + " " + command, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniError(CniError.INTERNAL, "interrupted while ipam plugin " + type + " ran");
        }
    }

    private static Map<String, Object> run(String command, NetConf conf, CniEnv env, Map<String, String> environment, String stdin) {
        String type = (String) conf.ipam().get("type");
        if (!type.matches("[A-Za-z0-9_.\\-]+")) throw CniError.config("ipam.type", "'" + type + "' is not a plugin name");
        Path plugin = env.path().stream().map(d -> d.resolve(type)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> CniError.config("ipam.type", "no plugin '" + type + "' in CNI_PATH " + env.path()));
        String input = spokenBy(plugin, type, conf, environment, stdin);
        var child = new java.util.HashMap<>(environment);
        child.put("CNI_COMMAND", command);
        // The attachment's own identity: GC runs DEL for attachments other than the call's.
        child.put("CNI_CONTAINERID", env.containerId());
        child.put("CNI_IFNAME", env.ifname());
        child.put("CNI_PATH", String.join(":", env.path().stream().map(Path::toString).toList()));
        if (env.netns() != null) child.put("CNI_NETNS", env.netns());
        else child.remove("CNI_NETNS");
        Exec r = exec(plugin, type, command, child, input);
        String out = r.out();
        String err = r.err();
        int rc = r.rc();
        Map<String, Object> doc = null;
        if (!out.isBlank()) {
            try {
                doc = JsonReader.parseObject(out);
            } catch (JsonFormatException e) {
                throw new CniError(CniError.INTERNAL, "ipam plugin " + type + " " + command + " printed no JSON", out.strip());
            }
        }
        if (rc != 0 || (doc != null && doc.get("code") != null)) {
            int code = doc != null && doc.get("code") instanceof Long c ? c.intValue() : CniError.INTERNAL;
            String msg = doc != null && doc.get("msg") instanceof String m ? m : "exited " + rc;
            String details = doc != null && doc.get("details") instanceof String d ? d : err;
            throw new CniError(code, "ipam plugin " + type + " " + command + ": " + msg, details);
        }
        return doc == null ? Map.of() : doc;
    }
}
