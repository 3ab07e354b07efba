package io.vhostpath.dpdk;

/**
 * A DPDK control-path call failed. Carries the C function, the port and queue it was about (-1 when not
 * applicable), the errno-style code and DPDK's text for it ({@code rte_strerror}).
 */
public final class DpdkException extends RuntimeException {
    public static final int NONE = -1;

    private final String function;
    private final int port;
    private final int queue;
    private final int errno;

    public DpdkException(String function, int port, int queue, int errno, String detail) {
        super(message(function, port, queue, errno, detail));
        this.function = function;
        this.port = port;
        this.queue = queue;
        this.errno = errno;
    }

    private static String message(String function, int port, int queue, int errno, String detail) {
        var sb = new StringBuilder(function).append(" failed:");
        if (port != NONE) sb.append(" port=").append(port);
        if (queue != NONE) sb.append(" queue=").append(queue);
        sb.append(" errno=").append(errno).append(" (").append(Dpdk.strerror(errno)).append(')');
        if (detail != null && !detail.isEmpty()) sb.append(": ").append(detail);
        return sb.toString();
    }

    /** Checks the usual DPDK convention: 0 or positive on success, a negative errno on failure. */
    static int check(int ret, String function, int port, int queue) {
        if (ret < 0) throw new DpdkException(function, port, queue, -ret, null);
        return ret;
    }

    public String function() { return function; }
    public int port() { return port; }
    public int queue() { return queue; }
    public int errno() { return errno; }
}
