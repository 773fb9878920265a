package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A QUIC listener on one UDP socket and one event-loop thread. Streams are served on a bounded
 * pool of blocking threads ({@code dbsync-netty-<n>}), never on the event loop. At most
 * {@link TransportOptions#maxConnections()} connections are served at once; further ones are
 * closed during their handshake. A failing connection or handler affects nothing else.
 */
public final class QuicListener implements TransportListener {
    /** Application code sent with RESET_STREAM when a handler fails. */
    static final int CODE_HANDLER_FAILED = 0x11;

    private static final Logger LOG = LoggerFactory.getLogger(QuicListener.class);

    private final EventLoopGroup group;
    private final ThreadPoolExecutor handlers;
    private final StreamHandler handler;
    private final TransportOptions options;
    private final Set<QuicChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Channel udp;
    private volatile InetSocketAddress local;

    private QuicListener(EventLoopGroup group, StreamHandler handler, TransportOptions options) {
        this.group = group;
        this.handler = handler;
        this.options = options;
        int threads = (int) Math.min(4096L, (long) options.maxConnections() * options.maxStreamsPerConnection());
        this.handlers = new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DbsyncThreads.handlers());
    }

    /**
     * Binds and starts serving.
     *
     * @param address the address to bind; port 0 picks a free port
     * @param tls certificate and key; trusted CA when client certificates are required
     * @param alpn the accepted ALPN ids
     * @param options windows, timeouts and limits
     * @param handler serves each inbound stream
     * @return the running listener
     * @throws TransportException if the address cannot be bound
     * @throws dev.dbsync.api.TlsConfigException if the TLS settings cannot serve
     */
    public static QuicListener start(InetSocketAddress address, TlsSettings tls, Set<String> alpn,
                                     TransportOptions options, StreamHandler handler) {
        QuicSslContext ctx = QuicTlsContexts.server(tls, alpn);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, DbsyncThreads.eventLoops(), NioIoHandler.newFactory());
        QuicListener listener = new QuicListener(group, handler, options);
        boolean started = false;
        try {
            ChannelHandler codec = QuicCodecSettings.apply(new QuicServerCodecBuilder(), options,
                            options.maxStreamsPerConnection())
                    .sslContext(ctx)
                    .handler(new ChannelInitializer<QuicChannel>() {
                        @Override
                        protected void initChannel(QuicChannel ch) {
                            listener.admit(ch);
                        }
                    })
                    .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel ch) {
                            listener.accept(ch);
                        }
                    })
                    .build();
            ChannelFuture bound = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, QuicCodecSettings.SOCKET_BUFFER)
                    .option(ChannelOption.SO_SNDBUF, QuicCodecSettings.SOCKET_BUFFER)
                    .handler(codec)
                    .bind(address);
            if (!bound.awaitUninterruptibly(options.connectTimeout().toMillis()) || !bound.isSuccess()) {
                throw new TransportException(address.toString(), "cannot bind the QUIC listener: " + bound.cause(),
                        bound.cause());
            }
            listener.udp = bound.channel();
            listener.local = (InetSocketAddress) bound.channel().localAddress();
            started = true;
            LOG.info("QUIC listener (netty) on {}, ALPN {}, {}", listener.local, alpn, tls);
            return listener;
        } finally {
            if (!started) {
                listener.close();
            }
        }
    }

    private void admit(QuicChannel ch) {
        String peer = String.valueOf(ch.remoteSocketAddress());
        if (closed.get() || connections.size() >= options.maxConnections()) {
            LOG.warn("refusing QUIC connection from {}: {}", peer,
                    closed.get() ? "listener is closing" : "connection limit " + options.maxConnections() + " reached");
            // after the first packet is processed, so that quiche has keys to send the close with
            ch.eventLoop().execute(() -> ch.close(true, ConnectionCloseCause.CODE_CONNECTION_LIMIT,
                    Unpooled.copiedBuffer("connection limit reached", StandardCharsets.US_ASCII)));
            return;
        }
        connections.add(ch);
        ch.closeFuture().addListener(f -> connections.remove(ch));
        ConnectionCloseCause cause = new ConnectionCloseCause(peer);
        ch.pipeline().addLast(cause, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                LOG.debug("{}: connection established, ALPN {}", peer, PeerCertificates.alpn(ch));
                ctx.fireChannelActive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                LOG.debug("{}: connection failed: {}", peer, t.toString());
            }
        });
    }

    private void accept(QuicStreamChannel ch) {
        QuicChannel parent = ch.parent();
        ConnectionCloseCause cause = parent.pipeline().get(ConnectionCloseCause.class);
        if (cause == null) {
            cause = new ConnectionCloseCause(String.valueOf(parent.remoteSocketAddress()));
        }
        InetSocketAddress remote = (InetSocketAddress) parent.remoteSocketAddress();
        QuicByteStream stream = new QuicByteStream(ch, cause, PeerCertificates.alpn(parent), remote,
                PeerCertificates.of(parent), options.connectTimeout());
        ch.pipeline().addLast(stream);
        try {
            handlers.execute(() -> serve(stream));
        } catch (RejectedExecutionException e) {
            LOG.warn("{}: no thread free to serve a stream; aborting it", cause.peer());
            stream.abort(CODE_HANDLER_FAILED);
        }
    }

    private void serve(QuicByteStream stream) {
        try {
            handler.handle(stream);
            stream.close();
        } catch (Exception | Error e) {
            LOG.warn("{}: stream handler failed: {}", stream.remoteAddress(), e.toString(), e);
            stream.abort(CODE_HANDLER_FAILED);
            if (e instanceof Error && !(e instanceof AssertionError)) {
                throw (Error) e;
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** @return how many connections are being served now */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            List<ChannelFuture> closing = new ArrayList<>();
            for (QuicChannel ch : List.copyOf(connections)) {
                closing.add(ch.close(true, ConnectionCloseCause.CODE_GOING_AWAY,
                        Unpooled.copiedBuffer("listener closed", StandardCharsets.US_ASCII)));
            }
            for (ChannelFuture f : closing) {
                f.awaitUninterruptibly(1000);
            }
            Channel u = udp;
            if (u != null) {
                u.close().awaitUninterruptibly(2000);
            }
        } finally {
            handlers.shutdownNow();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
            LOG.debug("QUIC listener on {} closed", local);
        }
    }

    @Override
    public String toString() {
        return "QuicListener{" + local + '}';
    }
}
