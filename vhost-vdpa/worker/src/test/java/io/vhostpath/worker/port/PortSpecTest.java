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
}
