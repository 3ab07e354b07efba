package io.vhostpath.dpdk;

import io.vhostpath.net.MacAddress;

import io.vhostpath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An ethdev port ({@code rte_ethdev.h}): lookup, setup, start/stop, and inspection. Control path only:
 * every failure is a {@link DpdkException} naming the function, port and queue.
 */
public final class EthPort {
    private static final MethodHandle GET_PORT_BY_NAME = Dpdk.function("rte_eth_dev_get_port_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GET_NAME_BY_PORT = Dpdk.function("rte_eth_dev_get_name_by_port",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle COUNT_AVAIL = Dpdk.function("rte_eth_dev_count_avail", FunctionDescriptor.of(JAVA_SHORT));
    private static final MethodHandle IS_VALID = Dpdk.function("rte_eth_dev_is_valid_port", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle INFO_GET = Dpdk.function("rte_eth_dev_info_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle SOCKET_ID = Dpdk.function("rte_eth_dev_socket_id", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle CONFIGURE = Dpdk.function("rte_eth_dev_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle RX_QUEUE_SETUP = Dpdk.function("rte_eth_rx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle TX_QUEUE_SETUP = Dpdk.function("rte_eth_tx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS));
    private static final MethodHandle START = Dpdk.function("rte_eth_dev_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle STOP = Dpdk.function("rte_eth_dev_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle CLOSE = Dpdk.function("rte_eth_dev_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle MACADDR_GET = Dpdk.function("rte_eth_macaddr_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle LINK_GET_NOWAIT = Dpdk.function("rte_eth_link_get_nowait",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle PROMISC_ENABLE = Dpdk.function("rte_eth_promiscuous_enable",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle PROMISC_GET = Dpdk.function("rte_eth_promiscuous_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle STATS_GET = Dpdk.function("rte_eth_stats_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle STATS_RESET = Dpdk.function("rte_eth_stats_reset", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle XSTATS_GET_NAMES = Dpdk.function("rte_eth_xstats_get_names",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
    private static final MethodHandle XSTATS_GET = Dpdk.function("rte_eth_xstats_get",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));

    /** {@code sizeof(struct rte_eth_conf)}: configured all-zero (single queue mode, no offloads). */
    static final long ETH_CONF_SIZE = 2272;
    /** {@code RTE_ETH_NAME_MAX_LEN}. */
    private static final int NAME_MAX = 64;
    private static final int NONE = DpdkException.NONE;

    private final int id;
    private final String name;

    private EthPort(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** The port DPDK probed under {@code name} (e.g. {@code net_null0}, {@code virtio_user0}). */
    public static EthPort byName(String name) {
        try (var arena = Arena.ofConfined()) {
            var id = arena.allocate(JAVA_SHORT);
            int rc = (int) GET_PORT_BY_NAME.invokeExact(arena.allocateFrom(name), id);
            if (rc < 0) {
                throw new DpdkException("rte_eth_dev_get_port_by_name", NONE, NONE, -rc,
                        "no port named '" + name + "' (probed: " + allNames() + ")");
            }
            return new EthPort(Short.toUnsignedInt(id.get(JAVA_SHORT, 0)), name);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public static EthPort byId(int id) {
        return new EthPort(id, nameOf(id));
    }

    /** Names of all ports DPDK has probed. */
    public static List<String> allNames() {
        var names = new ArrayList<String>();
        for (int p = 0; p < 32; p++) {
            if (isValid(p)) names.add(nameOf(p));
        }
        return names;
    }

    public static int countAvailable() {
        try {
            return Short.toUnsignedInt((short) COUNT_AVAIL.invokeExact());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static boolean isValid(int port) {
        try {
            return (int) IS_VALID.invokeExact((short) port) == 1;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static String nameOf(int port) {
        try (var arena = Arena.ofConfined()) {
            var buf = arena.allocate(NAME_MAX);
            int rc = (int) GET_NAME_BY_PORT.invokeExact((short) port, buf);
            DpdkException.check(rc, "rte_eth_dev_get_name_by_port", port, NONE);
            return buf.getString(0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int id() { return id; }

    public String name() { return name; }

    public EthDevInfo info() {
        try (var arena = Arena.ofConfined()) {
            var s = arena.allocate(EthDevInfo.SIZE, 8);
            int rc = (int) INFO_GET.invokeExact((short) id, s);
            DpdkException.check(rc, "rte_eth_dev_info_get", id, NONE);
            var driver = s.get(ADDRESS, EthDevInfo.DRIVER_NAME_OFFSET);
            return new EthDevInfo(id, name,
                    driver.equals(MemorySegment.NULL) ? "" : driver.reinterpret(NAME_MAX).getString(0),
                    s.get(JAVA_INT, EthDevInfo.IF_INDEX_OFFSET),
                    u16(s, EthDevInfo.MIN_MTU_OFFSET), u16(s, EthDevInfo.MAX_MTU_OFFSET),
                    u16(s, EthDevInfo.MAX_RX_QUEUES_OFFSET), u16(s, EthDevInfo.MAX_TX_QUEUES_OFFSET),
                    u16(s, EthDevInfo.NB_RX_QUEUES_OFFSET), u16(s, EthDevInfo.NB_TX_QUEUES_OFFSET),
                    socket());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** NUMA socket of the port, or {@link MbufPool#SOCKET_ANY} when unknown (virtual devices). */
    public int socket() {
        try {
            return (int) SOCKET_ID.invokeExact((short) id);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Configures {@code rxQueues} and {@code txQueues}, no offloads. */
    public void configure(int rxQueues, int txQueues) {
        var info = info();
        if (rxQueues > info.maxRxQueues() || txQueues > info.maxTxQueues()) {
            throw new DpdkException("rte_eth_dev_configure", id, NONE, 22, "port " + name + " supports at most "
                    + info.maxRxQueues() + " rx and " + info.maxTxQueues() + " tx queues, asked " + rxQueues + "/" + txQueues);
        }
        try (var arena = Arena.ofConfined()) {
            var conf = arena.allocate(ETH_CONF_SIZE, 8);
            int rc = (int) CONFIGURE.invokeExact((short) id, (short) rxQueues, (short) txQueues, conf);
            DpdkException.check(rc, "rte_eth_dev_configure", id, NONE);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public void setupRxQueue(int queue, int descriptors, MbufPool pool) {
        try {
            int rc = (int) RX_QUEUE_SETUP.invokeExact((short) id, (short) queue, (short) descriptors, socket(),
                    MemorySegment.NULL, pool.segment());
            DpdkException.check(rc, "rte_eth_rx_queue_setup", id, queue);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public void setupTxQueue(int queue, int descriptors) {
        try {
            int rc = (int) TX_QUEUE_SETUP.invokeExact((short) id, (short) queue, (short) descriptors, socket(),
                    MemorySegment.NULL);
            DpdkException.check(rc, "rte_eth_tx_queue_setup", id, queue);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public void start() { call(START, "rte_eth_dev_start"); }

    public void stop() { call(STOP, "rte_eth_dev_stop"); }

    /** Releases the port; the mbufs in its rings go back to their pools. */
    public void close() { call(CLOSE, "rte_eth_dev_close"); }

    public void enablePromiscuous() { call(PROMISC_ENABLE, "rte_eth_promiscuous_enable"); }

    public boolean promiscuous() {
        return call(PROMISC_GET, "rte_eth_promiscuous_get") == 1;
    }

    public void resetStats() { call(STATS_RESET, "rte_eth_stats_reset"); }

    private int call(MethodHandle handle, String function) {
        try {
            int rc = (int) handle.invokeExact((short) id);
            return DpdkException.check(rc, function, id, NONE);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public MacAddress macAddress() {
        try (var arena = Arena.ofConfined()) {
            var mac = arena.allocate(6);
            int rc = (int) MACADDR_GET.invokeExact((short) id, mac);
            DpdkException.check(rc, "rte_eth_macaddr_get", id, NONE);
            return MacAddress.of(mac.toArray(JAVA_BYTE));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public LinkStatus link() {
        try (var arena = Arena.ofConfined()) {
            var s = arena.allocate(LinkStatus.SIZE, 8);
            int rc = (int) LINK_GET_NOWAIT.invokeExact((short) id, s);
            DpdkException.check(rc, "rte_eth_link_get_nowait", id, NONE);
            int flags = Short.toUnsignedInt(s.get(JAVA_SHORT, LinkStatus.FLAGS_OFFSET));
            return new LinkStatus((flags & LinkStatus.STATUS_BIT) != 0, s.get(JAVA_INT, LinkStatus.SPEED_OFFSET),
                    (flags & LinkStatus.DUPLEX_BIT) != 0, (flags & LinkStatus.AUTONEG_BIT) != 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Reads the basic counters into {@code scratch} (at least {@link #STATS_BYTES}), allocating only the record. */
    public EthStats stats(MemorySegment scratch) {
        try {
            int rc = (int) STATS_GET.invokeExact((short) id, scratch);
            DpdkException.check(rc, "rte_eth_stats_get", id, NONE);
            return new EthStats(scratch.get(JAVA_LONG, EthStats.IPACKETS_OFFSET), scratch.get(JAVA_LONG, EthStats.OPACKETS_OFFSET),
                    scratch.get(JAVA_LONG, EthStats.IBYTES_OFFSET), scratch.get(JAVA_LONG, EthStats.OBYTES_OFFSET),
                    scratch.get(JAVA_LONG, EthStats.IMISSED_OFFSET), scratch.get(JAVA_LONG, EthStats.IERRORS_OFFSET),
                    scratch.get(JAVA_LONG, EthStats.OERRORS_OFFSET), scratch.get(JAVA_LONG, EthStats.RX_NOMBUF_OFFSET));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Size of the scratch buffer {@link #stats(MemorySegment)} needs. */
    public static final long STATS_BYTES = EthStats.SIZE;

    public EthStats stats() {
        try (var arena = Arena.ofConfined()) {
            return stats(arena.allocate(EthStats.SIZE, 8));
        }
    }

    /** The driver's extended statistics, by name. */
    public List<XStat> xstats() {
        try (var arena = Arena.ofConfined()) {
            int n = (int) XSTATS_GET_NAMES.invokeExact((short) id, MemorySegment.NULL, 0);
            DpdkException.check(n, "rte_eth_xstats_get_names", id, NONE);
            var names = arena.allocate(XStat.NAME_SIZE * Math.max(n, 1), 8);
            var values = arena.allocate(XStat.SIZE * Math.max(n, 1), 8);
            int got = DpdkException.check((int) XSTATS_GET_NAMES.invokeExact((short) id, names, n), "rte_eth_xstats_get_names", id, NONE);
            int vals = DpdkException.check((int) XSTATS_GET.invokeExact((short) id, values, n), "rte_eth_xstats_get", id, NONE);
            var out = new ArrayList<XStat>(Math.min(got, vals));
            for (int i = 0; i < Math.min(got, vals); i++) {
                long nameIndex = values.get(JAVA_LONG, i * XStat.SIZE);
                out.add(new XStat(names.getString(nameIndex * XStat.NAME_SIZE), values.get(JAVA_LONG, i * XStat.SIZE + XStat.VALUE_OFFSET)));
            }
            return out;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static int u16(MemorySegment s, long offset) {
        return Short.toUnsignedInt(s.get(JAVA_SHORT, offset));
    }

    @Override
    public String toString() {
        return name + "(port " + id + ")";
    }
}
