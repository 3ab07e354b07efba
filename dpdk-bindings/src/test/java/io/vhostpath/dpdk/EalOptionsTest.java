package io.vhostpath.dpdk;

import io.vhostpath.net.MacAddress;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EalOptionsTest {
    @Test
    void renders_plain_memory_options() {
        var args = EalOptions.virtualDevices("p1", false, List.of("net_null0")).toArguments();
        assertEquals(List.of("vhostpath", "-l", "0", "-m", "1024", "--no-huge", "--file-prefix=p1", "--no-telemetry",
                "--no-pci", "--vdev=net_null0"), args);
    }

    @Test
    void hugepages_use_in_memory_mode_with_single_file_segments_for_virtio_user() {
        var args = EalOptions.virtualDevices("p2", true, List.of()).toArguments();
        assertTrue(args.contains("--in-memory") && args.contains("--single-file-segments"), args::toString);
        assertTrue(!args.contains("--no-huge") && !args.contains("-m"), args::toString);
    }

    @Test
    void rejects_what_eal_would_misread() {
        assertThrows(IllegalArgumentException.class, () -> EalOptions.virtualDevices("a b", false, List.of()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new EalOptions("0", 0, false, "p", List.of(), false, null, List.of()));
        assertTrue(e.getMessage().contains("memoryMb"));
    }

    @Test
    void mac_addresses_round_trip_and_reject_garbage() {
        assertEquals("02:00:00:00:00:01", MacAddress.parse("02:00:00:00:00:01").toString());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:01"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("zz:00:00:00:00:01"));
    }
}
