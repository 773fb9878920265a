package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A dialed QUIC connection. It owns its event loop and UDP socket. {@link #close()} closes the
 * open streams gracefully (end-of-stream both ways, bounded by the connect timeout) before it
 * closes the connection, so data still in flight is not cut off.
 */
final class DialedConnection implements TransportConnection {
    private final EventLoopGroup group;
    private final Channel udp;
    private final QuicChannel quic;
    private final ConnectionCloseCause cause;
    private final String alpn;
    private final List<X509Certificate> peerCertificates;
    private final TransportOptions options;
    private final InetSocketAddress remote;
    private final Set<QuicByteStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledFuture<?> keepAlive;
    private static final byte[] KEEP_ALIVE = {0};
    private static final Logger LOG = LoggerFactory.getLogger(DialedConnection.class);

    DialedConnection(EventLoopGroup group, Channel udp, QuicChannel quic, ConnectionCloseCause cause, String alpn,
                     List<X509Certificate> peerCertificates, TransportOptions options) {
        this.group = group;
        this.udp = udp;
        this.quic = quic;
        this.cause = cause;
        this.alpn = alpn;
        this.peerCertificates = peerCertificates;
        this.options = options;
        this.remote = (InetSocketAddress) quic.remoteSocketAddress();
        long every = options.keepAlive().toMillis();
        this.keepAlive = quic.eventLoop().scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Keeps an idle connection (and NAT bindings) alive: one ack-eliciting DATAGRAM frame. Peers
     * that did not offer the DATAGRAM extension get none (their own keep-alive applies).
     */
    private void ping() {
        if (quic.isActive() && cause.datagramsSupported()) {
            quic.writeAndFlush(Unpooled.wrappedBuffer(KEEP_ALIVE)).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.debug("{}: keep-alive not sent: {}", cause.peer(), f.cause().toString());
                }
            });
        }
    }

    @Override
    public String negotiatedAlpn() {
        return alpn;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    @Override
    public TransportStream openStream() {
        if (closed.get()) {
            throw new TransportException(cause.peer(), "connection is closed");
        }
        if (!quic.isActive() || cause.ended()) {
            throw cause.connectionFailure("open stream", new java.nio.channels.ClosedChannelException());
        }
        AtomicReference<QuicByteStream> made = new AtomicReference<>();
        Future<QuicStreamChannel> f = quic.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        QuicByteStream s = new QuicByteStream(ch, cause, alpn, remote, peerCertificates,
                                options.connectTimeout());
                        made.set(s);
                        ch.pipeline().addLast(s);
                    }
                })
                .create();
        if (!f.awaitUninterruptibly(options.connectTimeout().toMillis())) {
            f.cancel(false);
            throw new TransportException(cause.peer(), "no stream could be opened within " + options.connectTimeout());
        }
        if (!f.isSuccess() || made.get() == null) {
            throw cause.connectionFailure("open stream", f.cause());
        }
        QuicByteStream s = made.get();
        streams.add(s);
        s.onClose(() -> streams.remove(s));
        return s;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        keepAlive.cancel(false);
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        try {
            for (QuicByteStream s : List.copyOf(streams)) {
                s.closeGracefully(deadline);
            }
            if (quic.isOpen()) {
                quic.close(true, ConnectionCloseCause.CODE_NORMAL,
                        Unpooled.copiedBuffer("closed", StandardCharsets.US_ASCII)).awaitUninterruptibly(2000);
            }
            udp.close().awaitUninterruptibly(2000);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
        }
    }

    @Override
    public String toString() {
        return "DialedConnection{" + cause.peer() + ", alpn=" + alpn + '}';
    }
}
