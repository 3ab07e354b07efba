package io.vhostpath.vdpa.vhost;

import io.vhostpath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A {@code /dev/vhost-vdpa-N} opened for inspection through the vhost ioctls of {@code linux/vhost.h}. The kernel
 * lets one process open the node at a time (EBUSY otherwise), so close it before handing the device to DPDK.
 */
public final class VhostVdpa implements AutoCloseable {
    // _IOR(VHOST_VIRTIO=0xAF, nr, size) = 2 << 30 | size << 16 | 0xAF << 8 | nr
    static final long VHOST_GET_FEATURES = ior(0x00, 8);
    static final long VHOST_GET_BACKEND_FEATURES = ior(0x26, 8);
    static final long VHOST_VDPA_GET_DEVICE_ID = ior(0x70, 4);
    static final long VHOST_VDPA_GET_STATUS = ior(0x71, 1);
    static final long VHOST_VDPA_GET_CONFIG = ior(0x73, 8);
    static final long VHOST_VDPA_GET_VRING_NUM = ior(0x76, 2);
    static final long VHOST_VDPA_GET_CONFIG_SIZE = ior(0x79, 4);
    static final long VHOST_VDPA_GET_VQS_COUNT = ior(0x80, 4);

    static long ior(int nr, int size) {
        return (2L << 30) | ((long) size << 16) | (0xAFL << 8) | nr;
    }

    private final Path path;
    private final int fd;
    private final Arena arena = Arena.ofConfined();

    private VhostVdpa(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    public static VhostVdpa open(Path path) {
        return new VhostVdpa(path, Libc.open(path.toString(), Libc.O_RDWR | Libc.O_CLOEXEC));
    }

    private MemorySegment ioctl(long request, long size, String name) {
        var arg = arena.allocate(Math.max(size, 8), 8);
        Libc.ioctl(fd, request, arg, path + " " + name);
        return arg;
    }

    /** Virtio device id: 1 = net, 2 = block. */
    public int deviceId() {
        return ioctl(VHOST_VDPA_GET_DEVICE_ID, 4, "VHOST_VDPA_GET_DEVICE_ID").get(JAVA_INT, 0);
    }

    public long features() {
        return ioctl(VHOST_GET_FEATURES, 8, "VHOST_GET_FEATURES").get(JAVA_LONG, 0);
    }

    public long backendFeatures() {
        return ioctl(VHOST_GET_BACKEND_FEATURES, 8, "VHOST_GET_BACKEND_FEATURES").get(JAVA_LONG, 0);
    }

    /** The virtio device status byte (0 before a driver starts it). */
    public int status() {
        return Byte.toUnsignedInt(ioctl(VHOST_VDPA_GET_STATUS, 1, "VHOST_VDPA_GET_STATUS").get(JAVA_BYTE, 0));
    }

    public int vringSize() {
        return Short.toUnsignedInt(ioctl(VHOST_VDPA_GET_VRING_NUM, 2, "VHOST_VDPA_GET_VRING_NUM").get(JAVA_SHORT, 0));
    }

    public int queueCount() {
        return ioctl(VHOST_VDPA_GET_VQS_COUNT, 4, "VHOST_VDPA_GET_VQS_COUNT").get(JAVA_INT, 0);
    }

    public int configSize() {
        return ioctl(VHOST_VDPA_GET_CONFIG_SIZE, 4, "VHOST_VDPA_GET_CONFIG_SIZE").get(JAVA_INT, 0);
    }

    /** The device's virtio-net config space ({@code struct vhost_vdpa_config}: u32 off, u32 len, then the bytes). */
    public VirtioNetConfig netConfig() {
        var arg = arena.allocate(8 + VirtioNetConfig.SIZE, 8);
        arg.set(JAVA_INT, 0, 0);
        arg.set(JAVA_INT, 4, VirtioNetConfig.SIZE);
        Libc.ioctl(fd, VHOST_VDPA_GET_CONFIG, arg, path + " VHOST_VDPA_GET_CONFIG");
        return VirtioNetConfig.decode(arg.asSlice(8, VirtioNetConfig.SIZE).toArray(JAVA_BYTE));
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
