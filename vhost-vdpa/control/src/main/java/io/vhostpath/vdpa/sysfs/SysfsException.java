package io.vhostpath.vdpa.sysfs;

/** sysfs or /dev does not look the way it must: which device, which file, what was found. */
public final class SysfsException extends RuntimeException {
    public SysfsException(String message) {
        super(message);
    }

    public SysfsException(String message, Throwable cause) {
        super(message, cause);
    }
}
