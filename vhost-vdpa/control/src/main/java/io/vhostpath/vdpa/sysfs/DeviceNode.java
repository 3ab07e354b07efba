package io.vhostpath.vdpa.sysfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** What {@code stat(2)} says of a /dev node: whether it is a character device, and its major:minor. */
public record DeviceNode(boolean character, int major, int minor) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    public static DeviceNode stat(Path path, LinkOption... options) throws IOException {
        var attrs = Files.readAttributes(path, "unix:mode,rdev", options);
        int mode = (Integer) attrs.get("mode");
        long rdev = (Long) attrs.get("rdev");
        // glibc's gnu_dev_major/minor: 12 bits of major and 20 of minor, split across the 64-bit dev_t.
        int major = (int) (((rdev >>> 8) & 0xFFF) | ((rdev >>> 32) & ~0xFFFL));
        int minor = (int) ((rdev & 0xFF) | ((rdev >>> 12) & ~0xFFL));
        return new DeviceNode((mode & S_IFMT) == S_IFCHR, major, minor);
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
