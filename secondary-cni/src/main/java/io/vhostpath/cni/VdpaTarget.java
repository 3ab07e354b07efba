package io.vhostpath.cni;

import io.vhostpath.sys.NativeError;
import io.vhostpath.vdpa.NewDevice;
import io.vhostpath.vdpa.sysfs.SysfsException;
import io.vhostpath.vdpa.sysfs.VdpaDriver;
import io.vhostpath.vdpa.sysfs.VdpaSysfs;
import io.vhostpath.vdpa.sysfs.VhostVdpaPath;
import io.vhostpath.vdpa.vhost.VhostVdpa;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The vDPA device a device ID names, checked usable: bound to vhost_vdpa, its {@code /dev/vhost-vdpa-N} present and
 * matching sysfs, and not held open by another process.
 *
 * @param pciAddress the VF's PCI address when the ID was one (or the device sits on one), else null
 */
record VdpaTarget(String device, VhostVdpaPath node, String pciAddress) {
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");
    private static final int EBUSY = 16;

    static boolean isPciAddress(String id) {
        return PCI_ADDRESS.matcher(id).matches();
    }

    /** Resolves {@code deviceId}: a VF PCI address (its one vDPA device) or a vDPA device name. */
    static VdpaTarget resolve(VdpaSysfs sysfs, String deviceId) {
        try {
            String device;
            String pci = null;
            if (isPciAddress(deviceId)) {
                pci = deviceId.toLowerCase(java.util.Locale.ROOT);
                List<String> on = sysfs.devicesOf(pci);
                if (on.isEmpty()) {
                    throw new CniError(CniError.INVALID_CONFIG, "deviceID " + deviceId + ": no vDPA device on PCI device " + pci,
                            "create one on management device pci/" + pci + " (vdpactl dev provision) or check the device plugin's selectors");
                }
                if (on.size() > 1) {
                    throw new CniError(CniError.INVALID_CONFIG, "deviceID " + deviceId + ": PCI device " + pci + " has "
                            + on.size() + " vDPA devices " + on + ": name one of them");
                }
                device = on.get(0);
            } else {
                try {
                    device = NewDevice.checkName(deviceId);
                } catch (IllegalArgumentException e) {
                    throw new CniError(CniError.INVALID_CONFIG, "deviceID '" + deviceId + "' is neither a PCI address nor a vDPA device name");
                }
                if (!sysfs.devices().contains(device)) {
                    throw new CniError(CniError.INVALID_CONFIG, "deviceID " + deviceId + ": no such vDPA device",
                            "devices on the vdpa bus: " + sysfs.devices());
                }
            }
            VdpaDriver driver = sysfs.driver(device).orElse(null);
            if (driver != VdpaDriver.VHOST_VDPA) {
                throw new CniError(CniError.INVALID_CONFIG, "vDPA device " + device + " is bound to "
                        + (driver == null ? "no driver" : driver.sysfsName()) + ", not vhost_vdpa",
                        "bind it: vdpactl dev bind " + device + " vhost_vdpa");
            }
            return new VdpaTarget(device, sysfs.vhostDevice(device), pci);
        } catch (SysfsException e) {
            throw new CniError(CniError.IO, "vDPA device " + deviceId + ": " + e.getMessage());
        }
    }

    /** Opens and closes the node: vhost-vdpa takes one opener, so EBUSY means a process already uses the device. */
    void checkFree() {
        try (var v = VhostVdpa.open(node.path())) {
            v.deviceId();
        } catch (NativeError e) {
            if (e.errno() == EBUSY) {
                throw new CniError(CniError.TRY_AGAIN_LATER, "vDPA device " + device + " is busy: " + node.path()
                        + " is held open by another process", e.getMessage());
            }
            throw new CniError(CniError.IO, "cannot open " + node.path() + " of vDPA device " + device, e.getMessage());
        }
    }
}
