package io.vhostpath.worker.port;

import io.vhostpath.worker.WorkerError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortSpecTest {
    @TempDir
    Path tmp;

    @Test
    void specs_become_dpdk_virtual_devices() {
        assertEquals("virtio_user0,path=/dev/vhost-vdpa-3,queues=2,queue_size=512",
                PortSpec.parse("vhost-vdpa:/dev/vhost-vdpa-3", 0, 2, 512).vdev());
        assertEquals("virtio_user1,path=/run/a.sock,queues=1,queue_size=1024",
                PortSpec.parse("vhost-user:/run/a.sock", 1, 1, 1024).vdev());
        assertEquals("net_vhost2,iface=/run/b.sock,queues=4", PortSpec.parse("vhost-server:/run/b.sock", 2, 4, 1024).vdev());
        assertEquals("virtio_user0,path=/run/c.sock,queues=1,queue_size=512,server=1",
                PortSpec.parse("vhost-user-server:/run/c.sock", 0, 1, 512).vdev());
        assertEquals("net_null0", PortSpec.parse("null", 0, 1, 1024).vdev());
        assertEquals("net_ring3", PortSpec.parse("ring", 3, 1, 1024).vdevName());
        assertEquals("net_af_packet0,iface=veth0,qpairs=2", PortSpec.parse("af_packet:veth0", 0, 2, 1024).vdev());
        var raw = PortSpec.parse("net_tap0,iface=tap9", 0, 1, 1024);
        assertEquals("net_tap0", raw.vdevName());
        assertEquals("iface=tap9", raw.vdevArgs());
    }

    @Test
    void unknown_or_incomplete_specs_say_what_to_write() {
        var unknown = assertThrows(WorkerError.class, () -> PortSpec.parse("vdpa0", 0, 1, 1024));
        assertTrue(unknown.getMessage().contains("vdpa0") && unknown.fix().contains("vhost-vdpa:"), unknown.fix());
        var noTarget = assertThrows(WorkerError.class, () -> PortSpec.parse("vhost-vdpa", 0, 1, 1024));
        assertTrue(noTarget.fix().contains("vhost-vdpa:</dev/vhost-vdpa-N"), noTarget.fix());
    }

    private Path procWith(String devices) throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("devices"), devices);
        return proc;
    }

    @Test
    void a_missing_device_node_is_named() throws IOException {
        var e = assertThrows(WorkerError.class,
                () -> PortSpec.parse("vhost-vdpa:" + tmp.resolve("vhost-vdpa-9"), 0, 1, 1024).check(procWith("")));
        assertTrue(e.getMessage().endsWith("vhost-vdpa-9 does not exist"), e.getMessage());
        assertTrue(e.fix().contains("vhost_vdpa"), e.fix());
    }

    @Test
    void a_character_device_of_another_driver_is_refused_with_its_major_and_owner() throws IOException {
        // /dev/null is character device 1:3, owned by "mem".
        Path proc = procWith("Character devices:\n  1 mem\n  4 /dev/vc/0\n236 vhost-vdpa\n\nBlock devices:\n  1 ramdisk\n");
        var e = assertThrows(WorkerError.class, () -> PortSpec.parse("vhost-vdpa:/dev/null", 0, 1, 1024).check(proc));
        assertEquals("/dev/null is character device 1:3 (mem), not a vhost-vdpa device", e.getMessage());
    }

    @Test
    void a_regular_file_is_not_a_device() throws IOException {
        Path file = Files.writeString(tmp.resolve("vhost-vdpa-0"), "");
        var e = assertThrows(WorkerError.class, () -> PortSpec.parse("vhost-vdpa:" + file, 0, 1, 1024).check(procWith("")));
        assertTrue(e.getMessage().endsWith("is not a character device"), e.getMessage());
    }

    @Test
    void vhost_user_needs_a_socket_someone_serves() throws IOException {
        var missing = assertThrows(WorkerError.class,
                () -> PortSpec.parse("vhost-user:" + tmp.resolve("none.sock"), 0, 1, 1024).check(procWith("")));
        assertTrue(missing.getMessage().contains("nobody serves it"), missing.getMessage());
        Path file = Files.writeString(tmp.resolve("file.sock"), "");
        var notSocket = assertThrows(WorkerError.class, () -> PortSpec.parse("vhost-user:" + file, 0, 1, 1024).check(procWith("")));
        assertTrue(notSocket.getMessage().contains("is not a unix socket"), notSocket.getMessage());
        Path sock = tmp.resolve("real.sock");
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            PortSpec.parse("vhost-user:" + sock, 0, 1, 1024).check(procWith(""));
        }
    }

    private static PortSpec served(Path socket) {
        return PortSpec.parse("vhost-server:" + socket, 0, 1, 1024);
    }

    @Test
    void a_served_path_holding_a_regular_file_is_refused_and_the_file_kept() throws IOException {
        Path file = Files.writeString(tmp.resolve("regular.txt"), "hello");
        var e = assertThrows(WorkerError.class, () -> served(file).check(tmp));
        assertTrue(e.getMessage().contains("it exists and is not a socket"), e::getMessage);
        assertEquals("hello", Files.readString(file));
        var dir = Files.createDirectory(tmp.resolve("adir"));
        assertThrows(WorkerError.class, () -> served(dir).check(tmp));
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void a_served_path_another_backend_listens_on_is_refused_and_left_alone() throws IOException {
        Path sock = tmp.resolve("live.sock");
        try (var live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(sock));
            var e = assertThrows(WorkerError.class, () -> served(sock).check(tmp));
            assertTrue(e.getMessage().contains("another process is serving it"), e::getMessage);
            assertTrue(Files.exists(sock));
        }
    }

    @Test
    void a_stale_served_socket_is_removed_and_said_so() throws IOException {
        Path sock = tmp.resolve("stale.sock");
        try (var gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(sock));
        }
        assertEquals("removed stale socket " + sock + " (nobody accepted on it)", served(sock).check(tmp).orElseThrow());
        assertTrue(Files.notExists(sock));
        assertTrue(served(sock).check(tmp).isEmpty(), "a free path needs nothing");
        var noDir = assertThrows(WorkerError.class, () -> served(tmp.resolve("missing/x.sock")).check(tmp));
        assertTrue(noDir.getMessage().contains("does not exist"), noDir::getMessage);
    }

    @Test
    void socket_paths_longer_than_a_unix_address_holds_are_refused_for_both_ends() {
        String longPath = tmp.resolve("d".repeat(120) + ".sock").toString();
        for (String kind : new String[] {"vhost-user:", "vhost-server:"}) {
            var e = assertThrows(WorkerError.class, () -> PortSpec.parse(kind + longPath, 0, 1, 1024));
            assertTrue(e.getMessage().contains("a unix socket address holds 107"), e::getMessage);
        }
        String fits = "/" + "e".repeat(PortSpec.MAX_SOCKET_PATH - 1);
        assertEquals("net_vhost0,iface=" + fits + ",queues=1", PortSpec.parse("vhost-server:" + fits, 0, 1, 1024).vdev());
    }

    @Test
    void targets_that_would_split_dpdk_device_arguments_are_refused() {
        for (String spec : new String[] {"vhost-server:/tmp/x,y.sock", "vhost-server:/tmp/inj.sock,queues=8",
                "vhost-user:/tmp/a=b", "af_packet:eth0,qpairs=9", "vhost-vdpa:/dev/vhost-vdpa-0 "}) {
            var e = assertThrows(WorkerError.class, () -> PortSpec.parse(spec, 0, 1, 1024), spec);
            assertTrue(e.getMessage().contains("which DPDK's device arguments cannot carry"), e::getMessage);
        }
    }
}
