package io.vhostpath.dpdk;

import io.vhostpath.sys.Libc;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Loads DPDK 22.11 and vhostpath's shim once per process and links native functions.
 *
 * <p>The shim ({@code libvhostpath_dpdk.so}, built by this module from {@code src/main/c}) depends on the
 * DPDK libraries, so one lookup on it resolves both the shim's wrappers and DPDK's exported symbols.
 * Set {@code -Dvhostpath.dpdk.shim=/path/libvhostpath_dpdk.so} to use a shim outside the jar.
 */
public final class Dpdk {
    /** The DPDK library whose absence means DPDK is not installed at all. */
    static final String EAL_LIBRARY = "librte_eal.so.23";
    private static final String SHIM_RESOURCE = "native/libvhostpath_dpdk.so";
    private static final int SHIM_ABI = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    /** Null when loading failed; then {@link #FAILURE} says why, to every caller (not just the first). */
    private static final SymbolLookup LOOKUP;
    private static final DpdkUnavailableException FAILURE;

    static {
        SymbolLookup lookup = null;
        DpdkUnavailableException failure = null;
        try {
            lookup = load();
        } catch (DpdkUnavailableException e) {
            failure = e;
        }
        LOOKUP = lookup;
        FAILURE = failure;
    }

    private Dpdk() {}

    private static SymbolLookup load() {
        try {
            SymbolLookup.libraryLookup(EAL_LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new DpdkUnavailableException("DPDK 22.11 not found (" + EAL_LIBRARY + " does not load): "
                    + "run 'make setup' or: apt-get install dpdk libdpdk-dev", e);
        }
        Path shim = shimPath();
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(shim, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new DpdkUnavailableException("vhostpath DPDK shim " + shim + " does not load (built against another "
                    + "DPDK?): rebuild with 'make build'", e);
        }
        int abi = shimAbi(lookup);
        if (abi != SHIM_ABI) {
            throw new DpdkUnavailableException("vhostpath DPDK shim " + shim + " has ABI " + abi + ", expected "
                    + SHIM_ABI + ": rebuild with 'make build'", null);
        }
        return lookup;
    }

    private static int shimAbi(SymbolLookup lookup) {
        var handle = LINKER.downcallHandle(lookup.findOrThrow("vp_shim_abi"), FunctionDescriptor.of(JAVA_INT));
        try {
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The shim on disk. It is extracted once per content, as {@code libvhostpath_dpdk-<crc32c>-<length>.so} in a directory
     * only this user may write ({@code $TMPDIR/vhostpath-<user>}, mode 0700), and reused by every later process:
     * nothing accumulates when processes are killed, and no other user can swap the library under us.
     */
    private static Path shimPath() {
        String configured = System.getProperty("vhostpath.dpdk.shim");
        if (configured != null) return Path.of(configured);
        byte[] library;
        try (InputStream in = Dpdk.class.getResourceAsStream(SHIM_RESOURCE)) {
            if (in == null) {
                throw new DpdkUnavailableException("vhostpath DPDK shim missing from the classpath (" + SHIM_RESOURCE
                        + "): build with 'make build'", null);
            }
            library = in.readAllBytes();
        } catch (IOException e) {
            throw new DpdkUnavailableException("cannot read the vhostpath DPDK shim: " + e.getMessage(), e);
        }
        String user = System.getProperty("user.name");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "vhostpath-" + user);
        var privateDir = PosixFilePermissions.fromString("rwx------");
        try {
            Path file = dir.resolve("libvhostpath_dpdk-" + contentKey(library) + ".so");
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(privateDir));
            }
            if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(user)
                    || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(privateDir)) {
                throw new DpdkUnavailableException("refusing to load the vhostpath DPDK shim from " + dir
                        + ": it must be a directory of this user with mode 0700 (remove it, or set -Dvhostpath.dpdk.shim)", null);
            }
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && Arrays.equals(Files.readAllBytes(file), library)) return file;
            // Written aside and moved in one step: a concurrent start sees the old file or the whole new one.
            Path partial = Files.createTempFile(dir, "libvhostpath_dpdk", ".partial");
            Files.write(partial, library);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r-x------"));
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new DpdkUnavailableException("cannot extract the vhostpath DPDK shim into " + dir + ": " + e
                    + " (set -Dvhostpath.dpdk.shim=/path/libvhostpath_dpdk.so to use a copy elsewhere)", e);
        }
    }

    /**
     * Names the extracted file by its content. Not a security measure (the directory is private and the bytes are
     * compared before reuse), so a CRC-32C does: SHA-256 would first load the security providers, ~20 ms of start-up.
     */
    private static String contentKey(byte[] bytes) {
        var crc = new CRC32C();
        crc.update(bytes);
        return Long.toHexString(crc.getValue()) + "-" + bytes.length;
    }

    /** Links a control-path function. */
    static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    /**
     * Links a fast-path function: it must not block, call back into Java, or touch the Java heap, which
     * lets the JVM skip the thread-state transition (worth ~3% on a burst loop).
     */
    static MethodHandle criticalFunction(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.critical(false));
    }

    private static MemorySegment symbol(String name) {
        ensureLoaded();
        return LOOKUP.find(name).orElseThrow(() -> new DpdkUnavailableException(
                "symbol " + name + " not found in DPDK 22.11 or the vhostpath shim", null));
    }

    /**
     * Throws {@link DpdkUnavailableException} with an install hint when DPDK or the shim cannot be loaded. Call
     * it before touching any binding: their static initialisers would wrap the same failure in an
     * {@link ExceptionInInitializerError}.
     */
    public static void ensureLoaded() {
        if (FAILURE != null) throw new DpdkUnavailableException(FAILURE.getMessage(), FAILURE);
    }

    /**
     * Links the lcore, port, pool and burst functions now (their classes' initialisers do it), on a thread that would only
     * wait otherwise: each distinct signature costs a generated stub of several milliseconds, which {@link Eal#init}
     * spends while {@code rte_eal_init} runs instead of between EAL and the first packet. A failure here is left to
     * surface where the class is used.
     */
    static void linkAhead() {
        var lookup = MethodHandles.lookup();
        for (Class<?> c : List.of(Eal.Running.class, EthPort.class, MbufPool.class, MbufBurst.class)) {
            try {
                lookup.ensureInitialized(c);
            } catch (IllegalAccessException | LinkageError e) {
                // The class is unusable; its first real use reports why.
            }
        }
    }

    /** Linked on first use, so that a failed load surfaces through {@link #ensureLoaded()} first. */
    private static final class Errno {
        static final MethodHandle RTE_STRERROR = function("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle VP_ERRNO = function("vp_errno", FunctionDescriptor.of(JAVA_INT));
    }

    /** DPDK's text for an errno value, covering its own codes above {@code __ELASTERROR}. */
    public static String strerror(int errno) {
        try {
            var text = (MemorySegment) Errno.RTE_STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** This thread's {@code rte_errno}. */
    public static int errno() {
        try {
            return (int) Errno.VP_ERRNO.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
