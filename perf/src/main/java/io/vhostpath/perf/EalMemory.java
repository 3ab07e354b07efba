package io.vhostpath.perf;

import java.util.List;

/**
 * The EAL memory every contender gets, the same for testpmd and the worker: hugepages in memory only (no hugetlbfs
 * files) when enough are free, else plain memory of a size the machine can spare (1 GB, less in a small VM).
 */
record EalMemory(boolean hugepages, int megabytes) {
    static EalMemory of(Machine machine) {
        return new EalMemory(machine.freeHugepagesMb() >= 512, (int) Math.clamp(machine.memoryMb() / 8, 256, 1024));
    }

    List<String> testpmdArgs() {
        return hugepages ? List.of("--in-memory", "--single-file-segments") : List.of("--no-huge", "-m", Integer.toString(megabytes));
    }

    List<String> workerArgs() {
        return List.of("--hugepages", hugepages ? "on" : "off", "--memory", Integer.toString(megabytes));
    }

    @Override
    public String toString() {
        return hugepages ? "hugepages (--in-memory)" : "no hugepages (" + megabytes + " MB of plain memory)";
    }
}
