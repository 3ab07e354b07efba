package io.vhostpath.dpdk;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compiles {@code src/test/c/layout_probe.c} against the installed DPDK headers and compares offsets. */
class LayoutTest {
    private static final Map<String, Long> C = new HashMap<>();

    @BeforeAll
    static void probe() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("layout");
        Path exe = dir.resolve("layout_probe");
        String cflags = run(List.of("pkg-config", "--cflags", "libdpdk")).trim();
        var cmd = new java.util.ArrayList<>(List.of("cc", "-o", exe.toString(), "src/test/c/layout_probe.c"));
        cmd.addAll(List.of(cflags.split("\\s+")));
        run(cmd);
        for (String line : run(List.of(exe.toString())).split("\n")) {
            String[] kv = line.split("=");
            C.put(kv[0], Long.parseLong(kv[1]));
        }
        Files.delete(exe);
        Files.delete(dir);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), () -> cmd + " failed:\n" + out);
        return out;
    }

    private static void same(String cName, long javaValue) {
        assertEquals(C.get(cName), javaValue, cName);
    }

    @Test
    void mbuf() {
        same("sizeof.rte_mbuf", Mbuf.SIZE);
        same("rte_mbuf.buf_addr", Mbuf.BUF_ADDR_OFFSET);
        same("rte_mbuf.data_off", Mbuf.DATA_OFF_OFFSET);
        same("rte_mbuf.refcnt", Mbuf.REFCNT_OFFSET);
        same("rte_mbuf.nb_segs", Mbuf.NB_SEGS_OFFSET);
        same("rte_mbuf.port", Mbuf.PORT_OFFSET);
        same("rte_mbuf.ol_flags", Mbuf.OL_FLAGS_OFFSET);
        same("rte_mbuf.pkt_len", Mbuf.PKT_LEN_OFFSET);
        same("rte_mbuf.data_len", Mbuf.DATA_LEN_OFFSET);
        same("rte_mbuf.buf_len", Mbuf.BUF_LEN_OFFSET);
        same("rte_mbuf.pool", Mbuf.POOL_OFFSET);
        same("rte_mbuf.next", Mbuf.NEXT_OFFSET);
    }

    @Test
    void ethDevInfo() {
        same("sizeof.rte_eth_dev_info", EthDevInfo.SIZE);
        same("rte_eth_dev_info.driver_name", EthDevInfo.DRIVER_NAME_OFFSET);
        same("rte_eth_dev_info.if_index", EthDevInfo.IF_INDEX_OFFSET);
        same("rte_eth_dev_info.min_mtu", EthDevInfo.MIN_MTU_OFFSET);
        same("rte_eth_dev_info.max_mtu", EthDevInfo.MAX_MTU_OFFSET);
        same("rte_eth_dev_info.max_rx_queues", EthDevInfo.MAX_RX_QUEUES_OFFSET);
        same("rte_eth_dev_info.max_tx_queues", EthDevInfo.MAX_TX_QUEUES_OFFSET);
        same("rte_eth_dev_info.nb_rx_queues", EthDevInfo.NB_RX_QUEUES_OFFSET);
        same("rte_eth_dev_info.nb_tx_queues", EthDevInfo.NB_TX_QUEUES_OFFSET);
    }

    @Test
    void ethStats() {
        same("sizeof.rte_eth_stats", EthStats.SIZE);
        same("rte_eth_stats.ipackets", EthStats.IPACKETS_OFFSET);
        same("rte_eth_stats.opackets", EthStats.OPACKETS_OFFSET);
        same("rte_eth_stats.ibytes", EthStats.IBYTES_OFFSET);
        same("rte_eth_stats.obytes", EthStats.OBYTES_OFFSET);
        same("rte_eth_stats.imissed", EthStats.IMISSED_OFFSET);
        same("rte_eth_stats.ierrors", EthStats.IERRORS_OFFSET);
        same("rte_eth_stats.oerrors", EthStats.OERRORS_OFFSET);
        same("rte_eth_stats.rx_nombuf", EthStats.RX_NOMBUF_OFFSET);
    }

    @Test
    void linkConfAndXstats() {
        same("sizeof.rte_eth_link", LinkStatus.SIZE);
        same("rte_eth_link.flags_offset", LinkStatus.FLAGS_OFFSET);
        same("rte_eth_link.duplex_bit", LinkStatus.DUPLEX_BIT);
        same("rte_eth_link.autoneg_bit", LinkStatus.AUTONEG_BIT);
        same("rte_eth_link.status_bit", LinkStatus.STATUS_BIT);
        same("sizeof.rte_eth_conf", EthPort.ETH_CONF_SIZE);
        same("sizeof.rte_eth_xstat", XStat.SIZE);
        same("rte_eth_xstat.value", XStat.VALUE_OFFSET);
        same("sizeof.rte_eth_xstat_name", XStat.NAME_SIZE);
    }
}
