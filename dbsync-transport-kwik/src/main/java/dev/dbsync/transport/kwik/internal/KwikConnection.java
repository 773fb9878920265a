package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A dialled kwik connection. Closing it sends CONNECTION_CLOSE at once: the caller waits for
 * the peer's answer (or EOF) before closing, since kwik cannot report that sent data was
 * acknowledged. {@link #openStream()} waits while the listener's limit of concurrent streams
 * is reached (kwik blocks until a stream credit arrives). When the connection ends (the peer
 * closed it, or refused our client certificate just after the handshake), every stream's reads
 * and writes fail at once with the reason, see {@link OpenStreams}.
 */
final class KwikConnection implements TransportConnection {
    private final QuicClientConnection connection;
    private final Endpoint endpoint;
    private final String alpn;
    private final TransportOptions options;
    private final List<X509Certificate> peerCertificates;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final OpenStreams streams;

    /**
     * @param connection the connected kwik connection
     * @param streams registered with the connection as its listener before it connected
     */
    KwikConnection(QuicClientConnection connection, OpenStreams streams, Endpoint endpoint, String alpn,
                   TransportOptions options) {
        this.connection = connection;
        this.streams = streams;
        this.endpoint = endpoint;
        this.alpn = alpn;
        this.options = options;
        List<X509Certificate> chain = connection.getServerCertificateChain();
        this.peerCertificates = chain == null ? List.of() : List.copyOf(chain);
        long seconds = Math.max(1, options.keepAlive().toSeconds());
        if (options.keepAlive().compareTo(options.idleTimeout()) < 0 && connection.isConnected()) {
            connection.keepAlive((int) Math.min(Integer.MAX_VALUE, seconds));
        }
    }

    @Override
    public String negotiatedAlpn() {
        return alpn;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress a = connection.getServerAddress();
        return a != null ? a : endpoint.toSocketAddress();
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    @Override
    public TransportStream openStream() {
        if (closed.get()) {
            throw new TransportException(endpoint.toString(), "connection is closed");
        }
        failIfEnded();
        // like a dial, opening a stream is not cut short by an interrupt (kwik's createStream waits
        // for stream credit interruptibly, and kwik's own wake-up interrupts can be stray): it is
        // kept and restored for the caller
        boolean interrupted = Thread.interrupted();
        try {
            QuicStream s = connection.createStream(true);
            KwikStream stream = new KwikStream(s, streamTimeout(), endpoint + "#" + s.getStreamId(), streams);
            // kwik creates streams on a closing connection and aborts only those it already has:
            // register first, then check, so either the termination or this check fails the stream
            streams.register(stream);
            if (streams.closedReason().isPresent() || !connection.isConnected()) {
                stream.connectionEnded();
                streams.unregister(stream);
                throw streams.endedFailure("open a stream", null);
            }
            return stream;
        } catch (IOException | RuntimeException e) {
            if (e instanceof TransportException te) {
                throw te;
            }
            if (streams.closedReason().isPresent() || !connection.isConnected()) {
                throw streams.endedFailure("open a stream", e);
            }
            throw new TransportException(endpoint.toString(), "cannot open a stream: " + e, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void failIfEnded() {
        if (streams.closedReason().isPresent() || !connection.isConnected()) {
            throw streams.endedFailure("open a stream", null);
        }
    }

    private Duration streamTimeout() {
        return options.idleTimeout();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connection.close();
            streams.end("the connection was closed by this side", false);
        }
    }

    @Override
    public String toString() {
        return "kwik connection to " + endpoint + " (" + alpn + ")";
    }
}
