package io.vhostpath.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * gRPC over unix domain sockets, as kubelet and its device plugins speak it: one epoll event loop thread and one
 * small executor shared by every server and channel of the process, so the thread count does not grow with the
 * number of resources or kubelet restarts.
 */
public final class UnixGrpc implements AutoCloseable {
    /**
     * gRPC asks every channel for SO_KEEPALIVE, which unix sockets do not have, and netty warns about it on each
     * connection: a warning a day per kubelet call would bury the ones that matter.
     */
    private static final java.util.logging.Logger BOOTSTRAP = java.util.logging.Logger.getLogger(
            "io.grpc.netty.shaded.io.netty.bootstrap"); // Bootstrap and ServerBootstrap log there

    static {
        BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
    }

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        var t = new Thread(r, "grpc-call");
        t.setDaemon(true);
        return t;
    });

    /** Serves {@code services} on {@code socket}, replacing a stale socket file left there. */
    public Server serve(Path socket, BindableService... services) throws IOException {
        Files.deleteIfExists(socket);
        var builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(loop).workerEventLoopGroup(loop).executor(executor);
        for (BindableService s : services) builder.addService(s);
        return builder.build().start();
    }

    public ManagedChannel connect(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).executor(executor).usePlaintext().build();
    }

    public Executor executor() {
        return executor;
    }

    @Override
    public void close() {
        loop.shutdownGracefully();
        executor.shutdownNow();
    }
}
