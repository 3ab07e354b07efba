package io.vhostpath.vdpa;

import io.vhostpath.net.MacAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@code vdpa dev add} asks for: a name, the management device, and optionally MAC, MTU and the number of
 * queue pairs (which the SR-IOV operator's Go library cannot set).
 */
public record NewDevice(String name, String mgmtDevice, MacAddress mac, Integer mtu, Integer maxVqPairs) {
    private static final Pattern NAME = Pattern.compile("[^/\\s]{1,31}");
    /** A management device handle: {@code name} or {@code bus/name}, as iproute2 takes it. */
    private static final Pattern MGMT_HANDLE = Pattern.compile("([^/\\s]{1,63}/)?[^/\\s]{1,63}");

    public NewDevice {
        checkName(name);
        checkMgmtHandle(mgmtDevice);
        if (mtu != null && (mtu < 68 || mtu > 65535)) throw new IllegalArgumentException("mtu " + mtu + " is out of range 68..65535");
        if (maxVqPairs != null && (maxVqPairs < 1 || maxVqPairs > 0x8000)) {
            throw new IllegalArgumentException("max_vqp " + maxVqPairs + " is out of range 1..32768");
        }
    }

    /**
     * Checks a vDPA device name as it is used in netlink and as a sysfs path component: 1-31 characters, no '/'
     * or white space, not "." or "..". Throws {@link IllegalArgumentException} naming the rule.
     */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("device name '" + name + "': 1-31 characters, no '/' or white space, not . or ..");
        }
        return name;
    }

    /** Checks a management device handle ({@code vdpasim_net}, {@code pci/0000:65:00.2}). */
    public static String checkMgmtHandle(String handle) {
        Objects.requireNonNull(handle, "mgmtdev");
        if (!MGMT_HANDLE.matcher(handle).matches() || handle.contains("..")) {
            throw new IllegalArgumentException("mgmtdev '" + handle + "': NAME or BUS/NAME, no white space or '..'");
        }
        return handle;
    }

    public static NewDevice of(String name, String mgmtDevice) {
        return new NewDevice(name, mgmtDevice, null, null, null);
    }

    public NewDevice withMac(MacAddress m) { return new NewDevice(name, mgmtDevice, m, mtu, maxVqPairs); }

    public NewDevice withMtu(int m) { return new NewDevice(name, mgmtDevice, mac, m, maxVqPairs); }

    public NewDevice withMaxVqPairs(int q) { return new NewDevice(name, mgmtDevice, mac, mtu, q); }
}
