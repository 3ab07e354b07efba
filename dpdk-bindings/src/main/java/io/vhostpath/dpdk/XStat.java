package io.vhostpath.dpdk;

/** One extended statistic: its driver-given name and value ({@code rte_eth_xstat} + {@code rte_eth_xstat_name}). */
public record XStat(String name, long value) {
    static final long SIZE = 16;
    static final long VALUE_OFFSET = 8;
    static final long NAME_SIZE = 64;
}
