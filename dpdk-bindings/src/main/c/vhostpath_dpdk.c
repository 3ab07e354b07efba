/*
 * vhostpath's DPDK shim: exported wrappers for the few DPDK functions that are `static inline` in the
 * 22.11 headers and so have no symbol to bind from Java (burst I/O, mbuf bulk allocation, rte_errno,
 * the calling thread's lcore id), and io forwarding's receive-and-send in one call. Each wrapper is one call; the Java side reaches each with exactly one
 * downcall per burst. Arrays travel as plain addresses (uintptr_t) so the Java caller never has to wrap
 * a slice of its burst array in a new MemorySegment.
 */
#include <stdint.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

/* ABI check for the Java side: bumped whenever a wrapper's signature changes. */
uint32_t vp_shim_abi(void)
{
	return 2;
}

uint16_t vp_rx_burst(uint16_t port, uint16_t queue, uintptr_t pkts, uint16_t n)
{
	return rte_eth_rx_burst(port, queue, (struct rte_mbuf **)pkts, n);
}

uint16_t vp_tx_burst(uint16_t port, uint16_t queue, uintptr_t pkts, uint16_t n)
{
	return rte_eth_tx_burst(port, queue, (struct rte_mbuf **)pkts, n);
}

/*
 * testpmd's io forwarding of one burst in one call: receive up to n, send them, retrying at most `retries` times,
 * and free what is still unsent. Returns received << 16 | sent.
 */
uint32_t vp_io_forward(uint16_t rx_port, uint16_t rx_queue, uint16_t tx_port, uint16_t tx_queue, uintptr_t pkts,
		uint16_t n, uint32_t retries)
{
	struct rte_mbuf **burst = (struct rte_mbuf **)pkts;
	uint16_t received = rte_eth_rx_burst(rx_port, rx_queue, burst, n);
	if (received == 0)
		return 0;
	uint16_t sent = rte_eth_tx_burst(tx_port, tx_queue, burst, received);
	for (uint32_t i = 0; i < retries && sent < received; i++)
		sent += rte_eth_tx_burst(tx_port, tx_queue, burst + sent, received - sent);
	if (sent < received)
		rte_pktmbuf_free_bulk(burst + sent, received - sent);
	return (uint32_t)received << 16 | sent;
}

/* 0 on success, -ENOENT when the pool cannot supply all n (then none is taken). */
int vp_pktmbuf_alloc_bulk(uintptr_t pool, uintptr_t pkts, uint32_t n)
{
	return rte_pktmbuf_alloc_bulk((struct rte_mempool *)pool, (struct rte_mbuf **)pkts, n);
}

void vp_pktmbuf_free_bulk(uintptr_t pkts, uint32_t n)
{
	rte_pktmbuf_free_bulk((struct rte_mbuf **)pkts, n);
}

int vp_errno(void)
{
	return rte_errno;
}

uint32_t vp_lcore_id(void)
{
	return rte_lcore_id();
}
