package io.vhostpath.dpdk;

/** What {@code rte_eth_dev_info_get} tells about a port (the fields vhostpath uses). */
public record EthDevInfo(int port, String name, String driver, int ifIndex, int minMtu, int maxMtu,
                         int maxRxQueues, int maxTxQueues, int rxQueues, int txQueues, int socket) {
    // struct rte_eth_dev_info (rte_ethdev.h), checked by LayoutTest.
    static final long SIZE = 376;
    static final long DRIVER_NAME_OFFSET = 8;
    static final long IF_INDEX_OFFSET = 16;
    static final long MIN_MTU_OFFSET = 20;
    static final long MAX_MTU_OFFSET = 22;
    static final long MAX_RX_QUEUES_OFFSET = 44;
    static final long MAX_TX_QUEUES_OFFSET = 46;
    static final long NB_RX_QUEUES_OFFSET = 288;
    static final long NB_TX_QUEUES_OFFSET = 290;
}
