package io.vhostpath.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether EAL gets hugepages: what {@code /proc/meminfo} says is free, against what the user asked. */
final class Memory {
    /** Below this much free hugepage memory, plain memory is the better choice. */
    static final long MIN_HUGEPAGE_BYTES = 256L << 20;

    private Memory() {}

    static boolean useHugepages(WorkerConfig.Hugepages wanted, Path meminfo) {
        long free = freeHugepageBytes(meminfo);
        return switch (wanted) {
            case OFF -> false;
            case AUTO -> free >= MIN_HUGEPAGE_BYTES;
            case ON -> {
                if (free < MIN_HUGEPAGE_BYTES) {
                    throw new WorkerError("no free hugepages (" + (free >> 20) + " MB free, " + (MIN_HUGEPAGE_BYTES >> 20) + " MB needed)",
                            "echo 1024 > /proc/sys/vm/nr_hugepages, or run with --hugepages off");
                }
                yield true;
            }
        };
    }

    static long freeHugepageBytes(Path meminfo) {
        long pages = 0;
        long size = 0;
        try {
            for (String line : Files.readAllLines(meminfo)) {
                String[] f = line.split("\\s+");
                if (line.startsWith("HugePages_Free:")) pages = Long.parseLong(f[1]);
                if (line.startsWith("Hugepagesize:")) size = Long.parseLong(f[1]) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return pages * size;
    }
}
