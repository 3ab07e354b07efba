package io.vhostpath.worker;

import io.vhostpath.worker.engine.Stream;

import java.util.ArrayList;
import java.util.List;

/**
 * Which port each port's traffic leaves on, as testpmd's {@code --port-topology}: "paired" (0<->1, 2<->3)
 * when forwarding between an even number of ports, otherwise "loop" (each port to itself).
 */
final class Topology {
    private Topology() {}

    static boolean paired(int ports, boolean loopsBack) {
        return !loopsBack && ports % 2 == 0;
    }

    /** Streams for every port and queue; stream i of queue q is handled by the polling thread of queue q. */
    static List<Stream> streams(int ports, int queues, boolean paired) {
        var streams = new ArrayList<Stream>();
        for (int q = 0; q < queues; q++) {
            for (int p = 0; p < ports; p++) {
                int peer = paired ? p ^ 1 : p;
                streams.add(new Stream(streams.size(), p, q, peer, q));
            }
        }
        return streams;
    }
}
