package io.vhostpath.cni;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateStoreTest {
    @TempDir
    Path dir;

    private static Attachment attachment(String container, String device) {
        return new Attachment(container, "net1", "vdpa-net", "/var/run/netns/x", AttachMode.OVN, device, Path.of("/dev/vhost-vdpa-3"),
                "0000:65:00.2", "02:00:00:00:00:01", "02:11:22:33:44:55", "eth7", "br-int", "eth7", "vdpa-net",
                "vdpa-net_" + container + "-net1", null, Path.of("/run/devinfo.json"), true,
                Map.of("cniVersion", "1.1.0", "interfaces", List.of(Map.of("name", "net1"))));
    }

    @Test
    void an_attachment_round_trips_through_an_indented_owner_only_file() throws Exception {
        var store = new StateStore(dir);
        var a = attachment("c1", "vdpa0");
        store.save(a);
        assertEquals(a, store.find("c1-net1").orElseThrow());
        Path f = dir.resolve("c1-net1.json");
        assertTrue(Files.readString(f).contains("\n  \"device\": \"vdpa0\",\n"), "one field per line: " + Files.readString(f));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("c1-net1.json"), s.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
        store.remove("c1-net1");
        assertTrue(store.find("c1-net1").isEmpty());
    }

    @Test
    void the_holder_of_a_device_is_found_and_a_corrupt_file_is_named_not_fatal_to_the_others() throws Exception {
        var store = new StateStore(dir);
        store.save(attachment("c1", "vdpa0"));
        store.save(attachment("c2", "vdpa1"));
        Files.writeString(dir.resolve("c3-net1.json"), "{\"containerId\": \"c3\", torn");
        assertEquals("c1", store.holderOf("vdpa0", "c9-net1").orElseThrow().containerId());
        assertTrue(store.holderOf("vdpa0", "c1-net1").isEmpty(), "an attachment does not hold against itself");
        assertEquals(2, store.all().size());
        var e = assertThrows(CniError.class, () -> store.find("c3-net1"));
        assertEquals(CniError.DECODE, e.code());
        assertTrue(e.getMessage().startsWith("state file ") && e.getMessage().endsWith("c3-net1.json is corrupt"), e.getMessage());
    }

    @Test
    void a_held_device_lock_makes_the_next_caller_wait_then_try_again_later() throws Exception {
        var store = new StateStore(dir, 300);
        try (var held = store.lock("vdpa0")) {
            // Another process's view: a lock on the same file from another channel (flock is per open file).
            var other = CompletableFuture.supplyAsync(() -> assertThrows(CniError.class, () -> store.lock("vdpa0")));
            CniError e = other.get(10, TimeUnit.SECONDS);
            assertEquals(CniError.TRY_AGAIN_LATER, e.code());
            assertEquals("device vdpa0 is being attached or detached by another call", e.getMessage());
        }
        try (var again = store.lock("vdpa0")) {
            assertTrue(Files.exists(dir.resolve("locks/vdpa0.lock")), "released locks can be taken again");
        }
    }
}
