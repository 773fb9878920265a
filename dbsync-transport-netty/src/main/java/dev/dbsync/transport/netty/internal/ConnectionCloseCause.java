package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.quic.QuicClosedChannelException;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sits on a QUIC connection's pipeline and remembers why it closed (the peer's
 * {@code CONNECTION_CLOSE}, a failed handshake), so that failures of dials and stream
 * operations can say what really happened: with TLS 1.3 a refused client certificate only
 * shows up as a closed connection after the handshake.
 */
final class ConnectionCloseCause extends ChannelInboundHandlerAdapter {
    /** Application close code: normal close. */
    static final int CODE_NORMAL = 0;
    /** Application close code: the listener is at its connection limit. */
    static final int CODE_CONNECTION_LIMIT = 1;
    /** Application close code: the listener is shutting down. */
    static final int CODE_GOING_AWAY = 2;
    private static final int APPLICATION_ERROR = 0x0c;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCloseCause.class);

    private final String peer;
    private volatile QuicConnectionCloseEvent peerClose;
    private volatile Throwable handshakeFailure;
    private final Set<Runnable> closeListeners = ConcurrentHashMap.newKeySet();
    private volatile boolean datagrams;

    ConnectionCloseCause(String peer) {
        this.peer = peer;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    /** Keep-alive datagrams carry nothing: drop them. Inbound streams pass on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof QuicDatagramExtensionEvent) {
            datagrams = true;
        } else if (evt instanceof QuicConnectionCloseEvent) {
            peerClose = (QuicConnectionCloseEvent) evt;
            LOG.debug("{}: peer closed the connection: {}", peer, describe(peerClose));
            for (Runnable r : closeListeners) {
                r.run();
            }
        } else if (evt instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent) evt).isSuccess()) {
            handshakeFailure = ((SslHandshakeCompletionEvent) evt).cause();
            LOG.debug("{}: TLS handshake failed: {}", peer, handshakeFailure.toString());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof SSLHandshakeException && handshakeFailure == null) {
            handshakeFailure = cause;
        }
        LOG.debug("{}: connection error: {}", peer, cause.toString());
    }

    /**
     * @param listener run on the event loop when the peer closes the connection (quiche reports
     *     the close to the channel only after its draining period, seconds later)
     */
    void onPeerClose(Runnable listener) {
        closeListeners.add(listener);
    }

    /** @param listener a listener added with {@link #onPeerClose} */
    void removePeerCloseListener(Runnable listener) {
        closeListeners.remove(listener);
    }

    /** @return true when the peer accepts QUIC DATAGRAM frames (used for keep-alive) */
    boolean datagramsSupported() {
        return datagrams;
    }

    /** @return true once the peer has closed the connection or the handshake failed */
    boolean ended() {
        return peerClose != null || handshakeFailure != null;
    }

    /** @return the peer's address as text */
    String peer() {
        return peer;
    }

    /** @return true when the peer closed the connection because it refused our credentials */
    boolean authenticationRefused() {
        QuicConnectionCloseEvent e = closeEvent();
        return e != null && e.isTlsError() && TlsAlert.isAuthentication(QuicConnectionCloseEvent.extractTlsError(e.error()));
    }

    /** @return how the peer closed the connection, when it did */
    Optional<String> peerCloseDescription() {
        QuicConnectionCloseEvent e = closeEvent();
        return e == null ? Optional.empty() : Optional.of(describe(e));
    }

    private QuicConnectionCloseEvent closeEvent() {
        return peerClose;
    }

    /**
     * @param cause why the dial failed
     * @param offered the ALPN ids offered
     * @return the failure to throw, saying what went wrong
     */
    TransportException dialFailure(Throwable cause, List<String> offered) {
        QuicConnectionCloseEvent e = peerClose;
        if (e == null && cause instanceof QuicClosedChannelException) {
            e = ((QuicClosedChannelException) cause).event();
        }
        if (e != null && e.isTlsError()) {
            int alert = QuicConnectionCloseEvent.extractTlsError(e.error());
            if (alert == TlsAlert.NO_APPLICATION_PROTOCOL) {
                return new TransportException(peer, "TLS handshake refused: no ALPN id in common (offered "
                        + offered + ")", cause);
            }
            if (TlsAlert.isAuthentication(alert)) {
                return new TransportException(peer, "TLS authentication failed: the listener refused this side's "
                        + "certificate (" + describe(e) + ")", cause);
            }
            return new TransportException(peer, "TLS handshake refused by the listener (" + describe(e) + ")", cause);
        }
        if (e != null) {
            return new TransportException(peer, "the listener refused the connection (" + describe(e) + ")", cause);
        }
        Throwable local = handshakeFailure != null ? handshakeFailure : cause;
        if (local instanceof SSLHandshakeException || hasCause(cause, SSLHandshakeException.class)) {
            return new TransportException(peer, "TLS handshake failed: the listener's certificate is not trusted "
                    + "or does not name this host (" + local.getMessage() + ")", cause);
        }
        if (cause instanceof ConnectTimeoutException) {
            return new TransportException(peer, "no QUIC answer within the connect timeout", cause);
        }
        return new TransportException(peer, "cannot connect: " + cause, cause);
    }

    /**
     * @param what the operation that failed, e.g. "write"
     * @param cause the failure
     * @return a {@link TransportException} when the peer refused our credentials, else an
     *     {@link IOException} saying what happened to the connection
     */
    Exception streamFailure(String what, Throwable cause) {
        if (authenticationRefused()) {
            return new TransportException(peer, "TLS authentication failed: the listener refused this side's "
                    + "certificate (" + peerCloseDescription().orElse("") + "); " + what + " failed", cause);
        }
        String closed = peerCloseDescription().map(d -> "; the peer closed the connection: " + d).orElse("");
        return new IOException(peer + ": " + what + " failed: " + cause + closed, cause);
    }

    /**
     * @param what the operation that failed
     * @param cause the failure
     * @return the failure as a {@link TransportException}
     */
    TransportException connectionFailure(String what, Throwable cause) {
        Exception e = streamFailure(what, cause);
        return e instanceof TransportException ? (TransportException) e : new TransportException(peer, e.getMessage(), cause);
    }

    static String describe(QuicConnectionCloseEvent e) {
        String reason = reason(e);
        String what;
        if (e.isTlsError()) {
            int alert = QuicConnectionCloseEvent.extractTlsError(e.error());
            what = "TLS alert " + alert + " " + TlsAlert.name(alert);
        } else if (e.isApplicationClose()) {
            what = "application code " + e.error() + (e.error() == CODE_CONNECTION_LIMIT ? " connection limit reached"
                    : e.error() == CODE_GOING_AWAY ? " listener shutting down" : "");
        } else if (e.error() == APPLICATION_ERROR) {
            what = "transport error 0xc APPLICATION_ERROR, e.g. the listener is at its connection limit";
        } else {
            what = "transport error 0x" + Integer.toHexString(e.error());
        }
        return reason.isEmpty() ? what : what + ": " + reason;
    }

    /**
     * A stored failure is thrown again by every later stream call; each throw needs its own
     * instance (try-with-resources adds the close failure as suppressed to the first one).
     *
     * @param e a stored failure
     * @return a new exception of the same kind, caused by {@code e}
     */
    static RuntimeException fresh(RuntimeException e) {
        if (e instanceof TransportException) {
            TransportException t = (TransportException) e;
            String prefix = t.endpoint() + ": ";
            String msg = t.getMessage().startsWith(prefix) ? t.getMessage().substring(prefix.length()) : t.getMessage();
            return new TransportException(t.endpoint(), msg, t);
        }
        return new IllegalStateException(e.getMessage(), e);
    }

    /** Netty 4.2.18 builds close events without a reason whose {@code reason()} then throws NPE. */
    private static String reason(QuicConnectionCloseEvent e) {
        try {
            return new String(e.reason(), StandardCharsets.UTF_8);
        } catch (NullPointerException absent) {
            return "";
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
