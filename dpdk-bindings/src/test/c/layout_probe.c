/* Prints the offsets and sizes of the DPDK structures the Java bindings read, as name=value lines,
 * so LayoutTest can compare them with the Java descriptors against the installed headers. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define SIZE(t) printf("sizeof.%s=%zu\n", #t, sizeof(struct t))
#define OFF(t, f) printf("%s.%s=%zu\n", #t, #f, offsetof(struct t, f))

/* rte_eth_link's one-bit fields: where each lands, as a byte offset and a bit mask in a u16 there. */
static void link_bits(void)
{
	struct rte_eth_link l;
	uint16_t flags;

	printf("rte_eth_link.flags_offset=%zu\n", sizeof(l.link_speed));
	memset(&l, 0, sizeof(l));
	l.link_duplex = 1;
	memcpy(&flags, (char *)&l + sizeof(l.link_speed), sizeof(flags));
	printf("rte_eth_link.duplex_bit=%u\n", flags);
	memset(&l, 0, sizeof(l));
	l.link_autoneg = 1;
	memcpy(&flags, (char *)&l + sizeof(l.link_speed), sizeof(flags));
	printf("rte_eth_link.autoneg_bit=%u\n", flags);
	memset(&l, 0, sizeof(l));
	l.link_status = 1;
	memcpy(&flags, (char *)&l + sizeof(l.link_speed), sizeof(flags));
	printf("rte_eth_link.status_bit=%u\n", flags);
}

int main(void)
{
	SIZE(rte_mbuf);
	OFF(rte_mbuf, buf_addr);
	OFF(rte_mbuf, data_off);
	OFF(rte_mbuf, refcnt);
	OFF(rte_mbuf, nb_segs);
	OFF(rte_mbuf, port);
	OFF(rte_mbuf, ol_flags);
	OFF(rte_mbuf, pkt_len);
	OFF(rte_mbuf, data_len);
	OFF(rte_mbuf, buf_len);
	OFF(rte_mbuf, pool);
	OFF(rte_mbuf, next);

	SIZE(rte_eth_dev_info);
	OFF(rte_eth_dev_info, driver_name);
	OFF(rte_eth_dev_info, if_index);
	OFF(rte_eth_dev_info, min_mtu);
	OFF(rte_eth_dev_info, max_mtu);
	OFF(rte_eth_dev_info, max_rx_queues);
	OFF(rte_eth_dev_info, max_tx_queues);
	OFF(rte_eth_dev_info, nb_rx_queues);
	OFF(rte_eth_dev_info, nb_tx_queues);

	SIZE(rte_eth_stats);
	OFF(rte_eth_stats, ipackets);
	OFF(rte_eth_stats, opackets);
	OFF(rte_eth_stats, ibytes);
	OFF(rte_eth_stats, obytes);
	OFF(rte_eth_stats, imissed);
	OFF(rte_eth_stats, ierrors);
	OFF(rte_eth_stats, oerrors);
	OFF(rte_eth_stats, rx_nombuf);

	SIZE(rte_eth_link);
	link_bits();
	SIZE(rte_eth_conf);
	OFF(rte_eth_conf, rxmode);
	SIZE(rte_eth_xstat);
	OFF(rte_eth_xstat, value);
	SIZE(rte_eth_xstat_name);
	SIZE(rte_ether_addr);
	return 0;
}
