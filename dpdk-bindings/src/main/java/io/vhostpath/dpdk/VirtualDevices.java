package io.vhostpath.dpdk;

import io.vhostpath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Hot-plugs virtual devices after EAL init ({@code rte_vdev_init} / {@code rte_vdev_uninit}, {@code rte_bus_vdev.h}). */
public final class VirtualDevices {
    private static final MethodHandle INIT = Dpdk.function("rte_vdev_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle UNINIT = Dpdk.function("rte_vdev_uninit", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private VirtualDevices() {}

    /** Probes {@code name} (e.g. {@code net_ring0}) with driver arguments {@code args} (may be empty). */
    public static void create(String name, String args) {
        try (var arena = Arena.ofConfined()) {
            int rc = (int) INIT.invokeExact(arena.allocateFrom(name), arena.allocateFrom(args));
            if (rc < 0) {
                throw new DpdkException("rte_vdev_init", DpdkException.NONE, DpdkException.NONE, -rc,
                        "vdev=" + name + (args.isEmpty() ? "" : "," + args));
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Removes a virtual device; its port must be closed first. */
    public static void remove(String name) {
        try (var arena = Arena.ofConfined()) {
            int rc = (int) UNINIT.invokeExact(arena.allocateFrom(name));
            DpdkException.check(rc, "rte_vdev_uninit", DpdkException.NONE, DpdkException.NONE);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
