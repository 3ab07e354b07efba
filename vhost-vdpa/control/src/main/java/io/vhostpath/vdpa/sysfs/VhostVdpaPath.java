package io.vhostpath.vdpa.sysfs;

import java.nio.file.Path;

/** The character device of a vDPA device bound to vhost_vdpa, checked against what sysfs says it must be. */
public record VhostVdpaPath(String device, Path path, int major, int minor) {
    @Override
    public String toString() {
        return path + " (" + major + ":" + minor + ")";
    }
}
