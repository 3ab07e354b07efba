package io.vhostpath.dpdk;

import io.vhostpath.net.MacAddress;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real DPDK: EAL in this JVM, net_null ports from the command line, others hot-plugged per test. */
class EthPortTest {
    private static Eal eal;
    private static MbufPool pool;
    private static Path runtimeDir;

    @BeforeAll
    static void init() {
        var options = EalOptions.virtualDevices("vp-test-ethport-" + ProcessHandle.current().pid(), false,
                List.of("net_null0", "net_null1")).withMemoryMb(256);
        eal = Eal.init(options);
        runtimeDir = eal.runtimeDirectory();
        pool = MbufPool.create("test_pool", 8191, 256, MbufPool.DEFAULT_DATA_ROOM, MbufPool.SOCKET_ANY);
    }

    @AfterAll
    static void cleanup() {
        pool.close();
        eal.close();
        assertFalse(Files.exists(runtimeDir), "EAL runtime directory left behind: " + runtimeDir);
    }

    private static EthPort started(String name, int queues) {
        var port = EthPort.byName(name);
        port.configure(queues, queues);
        for (int q = 0; q < queues; q++) {
            port.setupRxQueue(q, 512, pool);
            port.setupTxQueue(q, 512);
        }
        port.start();
        return port;
    }

    @Test
    void eal_knows_its_lcores_and_a_registered_thread_gets_one() throws Exception {
        assertEquals(1, eal.lcoreCount());
        assertEquals(0, eal.mainLcore());
        assertEquals(Eal.LCORE_ID_ANY, Eal.lcoreId(), "the JUnit thread is not an lcore");
        int[] got = new int[1];
        var t = Thread.ofPlatform().start(() -> {
            got[0] = eal.registerThread();
            eal.unregisterThread();
        });
        t.join();
        assertTrue(got[0] > 0 && got[0] < 128, "lcore id " + got[0]);
        assertThrows(IllegalStateException.class, () -> Eal.init(List.of("again")));
    }

    @Test
    void null_ports_forward_bursts_and_every_mbuf_returns() {
        var rx = started("net_null0", 1);
        var tx = started("net_null1", 1);
        try (var burst = new MbufBurst(32)) {
            assertEquals(8191, pool.available() + pool.inUse());
            long forwarded = 0;
            for (int i = 0; i < 1000; i++) {
                int n = burst.rx(rx.id(), 0);
                assertTrue(n > 0 && n <= 32);
                assertEquals(64, Mbuf.dataLength(burst.mbuf(0)), "net_null's default packet size");
                forwarded += burst.txOrDrop(tx.id(), 0, 0);
                assertEquals(0, burst.count());
            }
            assertEquals(32_000, forwarded);
            var rxStats = rx.stats();
            var txStats = tx.stats();
            assertEquals(32_000, rxStats.rxPackets());
            assertEquals(32_000, txStats.txPackets());
        } finally {
            rx.stop();
            tx.stop();
            rx.close();
            tx.close();
        }
        assertEquals(0, pool.inUse(), "every mbuf back in the pool after the ports closed");
    }

    @Test
    void io_forward_receives_and_sends_in_one_call_and_frees_what_the_tx_queue_cannot_take() {
        VirtualDevices.create("net_null9", "");
        VirtualDevices.create("net_ring8", "");
        var from = started("net_null9", 1);
        // Nobody reads net_ring8's ring (1023 slots): it takes bursts until it is full, then refuses them.
        var to = started("net_ring8", 1);
        int inUseBefore = pool.inUse();
        try (var burst = new MbufBurst(32)) {
            long received = 0;
            long sent = 0;
            for (int i = 0; i < 100; i++) {
                int counts = burst.ioForward(from.id(), 0, to.id(), 0, 2);
                received += counts >>> 16;
                sent += counts & 0xFFFF;
                assertEquals(0, burst.count(), "the burst holds nothing after the call");
            }
            assertEquals(3200, received);
            assertTrue(sent >= 1000 && sent <= 1023, "the ring took what fits: " + sent);
            assertEquals(sent, to.stats().txPackets());
            assertEquals(sent, pool.inUse() - inUseBefore, "what was not sent is back in the pool, what was waits in the ring");
            while (burst.rx(to.id(), 0) > 0) burst.free();
        } finally {
            for (EthPort p : List.of(from, to)) {
                p.stop();
                p.close();
            }
            VirtualDevices.remove("net_null9");
            VirtualDevices.remove("net_ring8");
        }
        assertEquals(inUseBefore, pool.inUse());
    }

    @Test
    void a_ring_port_loops_back_the_bytes_we_write() {
        // Without arguments net_ring's RX and TX share one ring: what is sent comes back.
        VirtualDevices.create("net_ring7", "");
        var a = started("net_ring7", 1);
        var b = a;
        try (var out = new MbufBurst(8); var in = new MbufBurst(8)) {
            assertTrue(out.alloc(pool, 8));
            for (int i = 0; i < 8; i++) {
                long m = out.mbuf(i);
                Mbuf.setLength(m, 60);
                Mbuf.putLong(Mbuf.dataAddress(m), 0x1122334455667700L + i);
            }
            assertEquals(8, out.tx(a.id(), 0));
            assertEquals(8, in.rx(b.id(), 0));
            for (int i = 0; i < 8; i++) {
                long m = in.mbuf(i);
                assertEquals(60, Mbuf.dataLength(m));
                assertEquals(60, Mbuf.packetLength(m));
                assertEquals(1, Mbuf.segments(m));
                assertEquals(0x1122334455667700L + i, Mbuf.getLong(Mbuf.dataAddress(m)));
            }
            in.free();
            assertTrue(a.link().up());
            assertEquals("net_ring", a.info().driver().substring(0, 8));
            assertFalse(a.xstats().isEmpty(), "ethdev exposes generic xstats for every port");
            assertTrue(a.xstats().stream().anyMatch(x -> x.name().equals("tx_good_packets") && x.value() == 8));
        } finally {
            a.stop();
            a.close();
            VirtualDevices.remove("net_ring7");
        }
    }

    @Test
    void control_path_errors_name_function_port_queue_and_errno() {
        var unknown = assertThrows(DpdkException.class, () -> EthPort.byName("net_nope9"));
        assertEquals("rte_eth_dev_get_port_by_name", unknown.function());
        assertTrue(unknown.getMessage().contains("net_nope9"), unknown.getMessage());

        VirtualDevices.create("net_null5", "");
        var port = EthPort.byName("net_null5");
        port.configure(1, 1);
        var badQueue = assertThrows(DpdkException.class, () -> port.setupRxQueue(5, 512, pool));
        assertEquals(port.id(), badQueue.port());
        assertEquals(5, badQueue.queue());
        assertEquals(22, badQueue.errno(), "EINVAL");
        assertTrue(badQueue.getMessage().contains("Invalid argument"), badQueue.getMessage());

        var tooMany = assertThrows(DpdkException.class, () -> port.configure(5000, 1));
        assertTrue(tooMany.getMessage().contains("at most"), tooMany.getMessage());

        var badVdev = assertThrows(DpdkException.class, () -> VirtualDevices.create("net_bogus0", ""));
        assertTrue(badVdev.getMessage().contains("net_bogus0"), badVdev.getMessage());
        port.close();
    }

    @Test
    void mac_address_and_promiscuous_mode() {
        VirtualDevices.create("net_null6", "");
        var port = started("net_null6", 1);
        try {
            var mac = port.macAddress();
            assertEquals(mac, MacAddress.parse(mac.toString()));
            port.enablePromiscuous();
            assertTrue(port.promiscuous());
        } finally {
            port.stop();
            port.close();
        }
    }
}
