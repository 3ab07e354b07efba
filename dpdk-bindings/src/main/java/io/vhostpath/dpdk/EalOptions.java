package io.vhostpath.dpdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Typed EAL options, rendered to the argument list {@code rte_eal_init} parses.
 *
 * @param lcores      the {@code -l} list of EAL lcores (the main lcore is the first); Java polling threads
 *                    register as extra lcores instead, so one is enough
 * @param memoryMb    memory to preallocate ({@code -m}); required without hugepages
 * @param hugepages   use hugepages ({@code --in-memory}, no files left behind) or plain memory ({@code --no-huge})
 * @param filePrefix  the runtime directory name under {@code /var/run/dpdk}; one per process
 * @param vdevs       virtual devices ({@code --vdev}), e.g. {@code net_null0} or
 *                    {@code virtio_user0,path=/dev/vhost-vdpa-0}
 * @param pci         probe PCI devices (off: {@code --no-pci})
 * @param logLevel    EAL log level ({@code --log-level}), or null for DPDK's default
 * @param extra       further arguments passed as they are
 */
public record EalOptions(String lcores, int memoryMb, boolean hugepages, String filePrefix, List<String> vdevs,
                         boolean pci, String logLevel, List<String> extra) {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]+");

    public EalOptions {
        Objects.requireNonNull(lcores, "lcores");
        Objects.requireNonNull(filePrefix, "filePrefix");
        if (!PREFIX.matcher(filePrefix).matches()) {
            throw new IllegalArgumentException("filePrefix=" + filePrefix + " must match " + PREFIX);
        }
        if (memoryMb < 0) throw new IllegalArgumentException("memoryMb=" + memoryMb + " must be >= 0");
        if (!hugepages && memoryMb == 0) {
            throw new IllegalArgumentException("memoryMb must be set when hugepages=false (--no-huge needs -m)");
        }
        vdevs = List.copyOf(vdevs);
        extra = List.copyOf(extra);
    }

    /** Defaults for a process that owns only virtual devices: one EAL lcore, no PCI, no telemetry. */
    public static EalOptions virtualDevices(String filePrefix, boolean hugepages, List<String> vdevs) {
        return new EalOptions("0", hugepages ? 0 : 1024, hugepages, filePrefix, vdevs, false, null, List.of());
    }

    public EalOptions withMemoryMb(int mb) {
        return new EalOptions(lcores, mb, hugepages, filePrefix, vdevs, pci, logLevel, extra);
    }

    /** The argument vector, starting with the program name EAL expects in argv[0]. */
    public List<String> toArguments() {
        var args = new ArrayList<String>();
        args.add("vhostpath");
        args.add("-l");
        args.add(lcores);
        if (memoryMb > 0) {
            args.add("-m");
            args.add(Integer.toString(memoryMb));
        }
        if (hugepages) {
            // virtio_user needs one file per memory segment list to share memory with its backend.
            args.add("--in-memory");
            args.add("--single-file-segments");
        } else {
            args.add("--no-huge");
        }
        args.add("--file-prefix=" + filePrefix);
        args.add("--no-telemetry");
        if (!pci) args.add("--no-pci");
        if (logLevel != null) args.add("--log-level=" + logLevel);
        for (String vdev : vdevs) args.add("--vdev=" + vdev);
        args.addAll(extra);
        return List.copyOf(args);
    }
}
