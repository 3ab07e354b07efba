package io.vhostpath.deviceplugin;

import io.vhostpath.vdpa.sysfs.SysfsException;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import io.vhostpath.vdpa.sysfs.VhostVdpaPath;

/**
 * Whether a device can be handed out now: its vDPA device exists, is bound to vhost_vdpa, and its
 * {@code /dev/vhost-vdpa-N} is there as a character device with the major:minor sysfs gives. Anything else is
 * unhealthy, with the reason.
 */
public record DeviceHealth(PluginDevice device, VhostVdpaPath node, String problem) {
    public static final String HEALTHY = "Healthy";
    public static final String UNHEALTHY = "Unhealthy";

    public static DeviceHealth check(PluginDevice d, VdpaSysfs sysfs) {
        try {
            var driver = sysfs.driver(d.vdpaName());
            if (driver.isEmpty() || driver.get() != VdpaDriver.VHOST_VDPA) {
                return new DeviceHealth(d, null, "vdpa device " + d.vdpaName() + " is bound to "
                        + driver.map(VdpaDriver::sysfsName).orElse("no driver") + ", not vhost_vdpa");
            }
            return new DeviceHealth(d, sysfs.vhostDevice(d.vdpaName()), null);
        } catch (SysfsException e) {
            return new DeviceHealth(d, null, e.getMessage());
        }
    }

    public boolean healthy() {
        return problem == null;
    }

    public String kubeletHealth() {
        return healthy() ? HEALTHY : UNHEALTHY;
    }
}
