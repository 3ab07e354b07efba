package io.vhostpath.node;

import io.vhostpath.devlink.EswitchMode;
import io.vhostpath.text.AtomicFile;
import io.vhostpath.text.Json;
import io.vhostpath.text.JsonFields;
import io.vhostpath.text.JsonReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the agent changed on this node, so that it removes only that: the PFs whose VF count or eswitch mode it
 * changed (with what they had before), and the vDPA devices it created (with their PF). Written ahead: a PF is
 * recorded before its first change, a device before it is created, so a process killed between the two leaves a
 * record of something that may not exist, never something that exists without a record. One indented JSON file,
 * replaced atomically on every change.
 */
public final class OwnedState {
    /** A PF as the agent found it before changing it. */
    public record PfRecord(String netdev, int numVfs, EswitchMode eswitchMode) {}

    private final Path file;
    private final Map<String, PfRecord> pfs = new TreeMap<>();
    private final Map<String, String> vdpaDevices = new TreeMap<>();

    private OwnedState(Path file) {
        this.file = file;
    }

    /** Loads {@code file}, or starts empty when there is none; a damaged file is an error naming it. */
    public static OwnedState load(Path file) {
        var s = new OwnedState(file);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return s;
        } catch (IOException e) {
            throw new NodeException("cannot read the agent's ownership record " + file + ": " + e.getMessage(), e);
        }
        try {
            var f = JsonFields.root(JsonReader.parseObject(text));
            var pfs = f.object("pfs");
            if (pfs != null) {
                for (String handle : pfs.map().keySet()) {
                    var r = pfs.object(handle);
                    String mode = r.string("eswitchMode");
                    Integer numVfs = r.integer("numVfs", 0, 65535);
                    if (numVfs == null) throw new IllegalArgumentException(r.path("numVfs") + " is missing");
                    s.pfs.put(handle, new PfRecord(r.requiredString("netdev"), numVfs,
                            mode == null ? null : EswitchMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT))));
                }
            }
            var devices = f.object("vdpaDevices");
            if (devices != null) for (String name : devices.map().keySet()) s.vdpaDevices.put(name, devices.requiredString(name));
        } catch (IllegalArgumentException e) { // JSON format and field errors are ones
            throw new NodeException("the agent's ownership record " + file + " is damaged (" + e.getMessage()
                    + "): fix or remove it; without it the agent cannot tell what it created", e);
        }
        return s;
    }

    public Map<String, PfRecord> pfs() {
        return java.util.Collections.unmodifiableMap(pfs);
    }

    /** vDPA device name to the devlink handle of its PF. */
    public Map<String, String> vdpaDevices() {
        return java.util.Collections.unmodifiableMap(vdpaDevices);
    }

    public boolean ownsPf(String handle) {
        return pfs.containsKey(handle);
    }

    public boolean ownsDevice(String name) {
        return vdpaDevices.containsKey(name);
    }

    public void recordPf(String handle, PfRecord before) {
        if (pfs.putIfAbsent(handle, before) == null) save();
    }

    public void forgetPf(String handle) {
        if (pfs.remove(handle) != null) save();
    }

    public void recordDevice(String name, String pfHandle) {
        if (!pfHandle.equals(vdpaDevices.put(name, pfHandle))) save();
    }

    public void forgetDevice(String name) {
        if (vdpaDevices.remove(name) != null) save();
    }

    private void save() {
        var doc = new LinkedHashMap<String, Object>();
        var p = new LinkedHashMap<String, Object>();
        pfs.forEach((handle, r) -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("netdev", r.netdev());
            m.put("numVfs", r.numVfs());
            if (r.eswitchMode() != null) m.put("eswitchMode", r.eswitchMode().iproute2Name());
            p.put(handle, m);
        });
        doc.put("pfs", p);
        doc.put("vdpaDevices", new LinkedHashMap<>(vdpaDevices));
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, Json.writeIndented(doc) + "\n", PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new NodeException("cannot write the agent's ownership record " + file + ": " + e.getMessage(), e);
        }
    }
}
