package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dials a QUIC listener: one event-loop thread and one UDP socket per connection, owned by the
 * returned {@link TransportConnection}.
 */
public final class QuicDialer {
    private static final Logger LOG = LoggerFactory.getLogger(QuicDialer.class);

    private QuicDialer() {
    }

    /**
     * Connects and completes the TLS handshake.
     *
     * @param endpoint the listener; its host is verified against the certificate's names
     * @param tls pinned CA or insecure mode, optional client certificate
     * @param alpn offered ALPN ids, most preferred first
     * @param options timeouts and windows
     * @return the connection
     * @throws TransportException saying why the connection could not be made
     */
    public static TransportConnection dial(Endpoint endpoint, TlsSettings tls, List<String> alpn,
                                           TransportOptions options) {
        String where = endpoint.toString();
        InetAddress address;
        try {
            address = InetAddress.getByName(endpoint.host());
        } catch (UnknownHostException e) {
            throw new TransportException(where, "unknown host '" + endpoint.host() + "'", e);
        }
        QuicSslContext ctx = QuicTlsContexts.client(tls, alpn);
        if (tls.insecureSkipVerify()) {
            LOG.warn("{}: TLS server verification is OFF (insecure mode): anyone on the path can impersonate "
                    + "this listener; use it for development only", where);
        }
        long timeoutMillis = options.connectTimeout().toMillis();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, DbsyncThreads.eventLoops(), NioIoHandler.newFactory());
        boolean done = false;
        try {
            ChannelHandler codec = QuicCodecSettings.apply(new QuicClientCodecBuilder(), options, 0)
                    .sslEngineProvider(ch -> ctx.newEngine(ch.alloc(), endpoint.host(), endpoint.port()))
                    .build();
            ChannelFuture bound = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, QuicCodecSettings.SOCKET_BUFFER)
                    .option(ChannelOption.SO_SNDBUF, QuicCodecSettings.SOCKET_BUFFER)
                    .handler(codec)
                    .bind(new InetSocketAddress(0));
            if (!bound.awaitUninterruptibly(timeoutMillis) || !bound.isSuccess()) {
                throw new TransportException(where, "cannot open a local UDP socket", bound.cause());
            }
            Channel udp = bound.channel();
            ConnectionCloseCause cause = new ConnectionCloseCause(where);
            Future<QuicChannel> connected = QuicChannel.newBootstrap(udp)
                    .handler(cause)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                    .remoteAddress(new InetSocketAddress(address, endpoint.port()))
                    .connect();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis + 1000);
            while (!connected.awaitUninterruptibly(20) && !cause.ended()) {
                if (System.nanoTime() - deadline > 0) {
                    connected.cancel(false);
                    throw new TransportException(where, "no QUIC answer within " + options.connectTimeout());
                }
            }
            if (!connected.isDone()) {
                // refused during the handshake: quiche reports it to the channel only after draining
                connected.cancel(false);
                throw cause.dialFailure(new java.nio.channels.ClosedChannelException(), alpn);
            }
            if (!connected.isSuccess()) {
                throw cause.dialFailure(connected.cause(), alpn);
            }
            QuicChannel quic = connected.getNow();
            if (cause.ended()) {
                // TLS 1.3: the listener refused our certificate (or the connection) right after the handshake
                quic.close();
                throw cause.dialFailure(new java.nio.channels.ClosedChannelException(), alpn);
            }
            String negotiated = PeerCertificates.alpn(quic);
            if (negotiated.isEmpty()) {
                quic.close();
                throw new TransportException(where, "TLS handshake refused: no ALPN id in common (offered " + alpn + ")");
            }
            DialedConnection connection = new DialedConnection(group, udp, quic, cause, negotiated,
                    PeerCertificates.of(quic), options);
            done = true;
            LOG.debug("{}: connected, ALPN {}", where, negotiated);
            return connection;
        } finally {
            if (!done) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
