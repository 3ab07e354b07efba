package io.vhostpath.worker;

import io.vhostpath.dpdk.EthPort;
import io.vhostpath.dpdk.MbufBurst;
import io.vhostpath.dpdk.MbufPool;
import io.vhostpath.worker.engine.PipelineRings;

import java.util.List;

/**
 * Mbufs still in flight when the polling threads have stopped, returned to the pool at teardown.
 *
 * <p>Some PMDs keep what was sent and not yet received: {@code net_ring}'s TX and RX queue are one
 * {@code rte_ring}, and closing the port frees the ring but not the mbufs in it. So before the ports stop, every
 * receive queue is emptied while the pool still misses mbufs. The bound keeps a PMD that makes packets out of
 * nothing ({@code net_null} allocates on every receive) from looping forever.
 *
 * @param fromPipelineRings mbufs taken out of the rings between pollers and application stages
 * @param fromPortQueues    mbufs received from port queues after polling stopped
 */
public record InFlight(int fromPipelineRings, int fromPortQueues) {
    static final InFlight NONE = new InFlight(0, 0);

    /** Frees what the rings hold, then receives and frees until the pool is full or the queues are empty. */
    static InFlight drain(List<PipelineRings> rings, List<EthPort> ports, int queues, MbufPool pool) {
        int fromRings = 0;
        for (PipelineRings r : rings) fromRings += r.drain();
        int fromPorts = 0;
        try (var burst = new MbufBurst(MbufBurst.DEFAULT_SIZE)) {
            for (EthPort port : ports) {
                for (int q = 0; q < queues; q++) {
                    for (int taken = 0; taken < pool.size() && pool.inUse() > 0; ) {
                        int n = burst.rx(port.id(), q);
                        if (n == 0) break;
                        burst.free();
                        taken += n;
                        fromPorts += n;
                    }
                }
            }
        }
        return new InFlight(fromRings, fromPorts);
    }

    /** A suffix for the teardown report, empty when nothing was in flight. */
    String describe() {
        if (fromPipelineRings == 0 && fromPortQueues == 0) return "";
        return " (" + fromPipelineRings + " freed from pipeline rings, " + fromPortQueues + " from port receive queues)";
    }
}
