package io.vhostpath.worker.engine;

/** testpmd's "io": forward each burst untouched. */
final class IoForward extends BurstEngine {
    IoForward(EngineContext context) {
        super(context);
    }

    @Override
    public int poll() {
        int n = receive();
        if (n > 0) transmit(burst);
        return n;
    }
}
