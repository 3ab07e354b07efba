package io.vhostpath.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the figures were measured on: they mean little without it. */
record Machine(String cpu, int cpus, String kernel, long memoryMb, long freeHugepagesMb, String dpdk, String java) {

    static Machine describe(String dpdkVersion) {
        return new Machine(field(Path.of("/proc/cpuinfo"), "model name"), Runtime.getRuntime().availableProcessors(),
                read(Path.of("/proc/sys/kernel/osrelease")), kb(field(Path.of("/proc/meminfo"), "MemTotal")) / 1024,
                Long.parseLong(orZero(field(Path.of("/proc/meminfo"), "HugePages_Free")))
                        * kb(field(Path.of("/proc/meminfo"), "Hugepagesize")) / 1024,
                dpdkVersion, System.getProperty("java.vm.name") + " " + Runtime.version());
    }

    private static String field(Path file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) return line.substring(line.indexOf(':') + 1).trim();
        }
        return "";
    }

    private static long kb(String value) {
        return Long.parseLong(orZero(value.replace("kB", "").trim()));
    }

    private static String orZero(String s) {
        return s.isEmpty() ? "0" : s;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    Map<String, Object> toMap() {
        var m = new LinkedHashMap<String, Object>();
        m.put("cpu", cpu);
        m.put("cpus", cpus);
        m.put("kernel", kernel);
        m.put("memory_mb", memoryMb);
        m.put("free_hugepages_mb", freeHugepagesMb);
        m.put("dpdk", dpdk);
        m.put("java", java);
        return m;
    }

    @Override
    public String toString() {
        return cpus + " x " + cpu + ", " + memoryMb + " MB, kernel " + kernel + ", hugepages free " + freeHugepagesMb
                + " MB, DPDK " + dpdk + ", " + java;
    }
}
