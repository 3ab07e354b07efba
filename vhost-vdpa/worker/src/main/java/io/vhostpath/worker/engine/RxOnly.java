package io.vhostpath.worker.engine;

/** A sink: counts what arrives and checks probe sequence numbers for loss and reordering. */
final class RxOnly extends BurstEngine {
    private final Receiver receiver;

    RxOnly(EngineContext context) {
        super(context);
        this.receiver = new Receiver(counters, null);
    }

    @Override
    public int poll() {
        int n = receive();
        if (n == 0) return 0;
        receiver.inspect(burst);
        burst.free();
        return n;
    }
}
