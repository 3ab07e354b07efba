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

    public NewDevice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mgmtDevice, "mgmtDevice");
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("name='" + name + "': 1-31 characters, no '/' or spaces");
        if (mtu != null && (mtu < 68 || mtu > 65535)) throw new IllegalArgumentException("mtu=" + mtu + ": 68..65535");
        if (maxVqPairs != null && (maxVqPairs < 1 || maxVqPairs > 0x8000)) {
            throw new IllegalArgumentException("maxVqPairs=" + maxVqPairs + ": 1..32768");
        }
    }

    public static NewDevice of(String name, String mgmtDevice) {
        return new NewDevice(name, mgmtDevice, null, null, null);
    }

    public NewDevice withMac(MacAddress m) { return new NewDevice(name, mgmtDevice, m, mtu, maxVqPairs); }

    public NewDevice withMtu(int m) { return new NewDevice(name, mgmtDevice, mac, m, maxVqPairs); }

    public NewDevice withMaxVqPairs(int q) { return new NewDevice(name, mgmtDevice, mac, mtu, q); }
}
