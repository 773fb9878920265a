package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnection;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kwik server connector behind {@link TransportListener}: one connection factory per accepted
 * ALPN id, at most {@code maxConnections} connections (more are closed with
 * {@link #BUSY_ERROR}), and every peer-opened stream handed from kwik's receiver thread to a
 * bounded pool of daemon threads {@code dbsync-kwik-<n>}.
 */
public final class KwikListener implements TransportListener {
    private static final Logger LOG = LoggerFactory.getLogger(KwikListener.class);
    /** Application error code closing a connection beyond the limit. */
    public static final long BUSY_ERROR = 0x11;
    /** Application error code aborting a stream whose handler failed. */
    public static final long HANDLER_ERROR = 0x12;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final String KEY_ALIAS = "dbsync";
    private static final long CLOSE_WAIT_MILLIS = 2000;

    static {
        KwikAssertions.disable();
    }

    private final GuardedDatagramSocket socket;
    private final ServerConnector connector;
    private final InetSocketAddress localAddress;
    private final TransportOptions options;
    private final StreamHandler handler;
    private final ThreadPoolExecutor handlers;
    private final Set<QuicConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private KwikListener(GuardedDatagramSocket socket, TlsSettings tls, Set<String> alpn, TransportOptions options,
                         StreamHandler handler) {
        this.socket = socket;
        this.options = options;
        this.handler = handler;
        this.localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
        int maxThreads = (int) Math.min(10_000L, (long) options.maxConnections() * options.maxStreamsPerConnection());
        this.handlers = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "dbsync-kwik-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ServerConnectionConfig config = ServerConnectionConfig.builder()
                .maxIdleTimeout((int) Math.min(Integer.MAX_VALUE, options.idleTimeout().toMillis()))
                .maxConnectionBufferSize(options.connectionWindow())
                .maxBidirectionalStreamBufferSize(options.streamWindow())
                .maxUnidirectionalStreamBufferSize(0)
                .maxOpenPeerInitiatedBidirectionalStreams(options.maxStreamsPerConnection())
                .maxOpenPeerInitiatedUnidirectionalStreams(0)
                .retryRequired(false)
                .connectionIdLength(8)
                .build();
        try {
            this.connector = ServerConnector.builder()
                    .withSocket(socket)
                    .withKeyStore(tls.keyStore(), KEY_ALIAS, tls.keyStorePassword())
                    .withConfiguration(config)
                    .withLogger(Slf4jKwikLogger.INSTANCE)
                    .build();
        } catch (java.security.cert.CertificateException | RuntimeException | SocketException e) {
            throw new TlsConfigException(tls.toString(), "kwik cannot serve this certificate and key: " + e.getMessage(), e);
        }
        for (String id : alpn) {
            connector.registerApplicationProtocol(id, new Factory(id));
        }
        connector.start();
    }

    /**
     * Binds and starts a listener.
     *
     * @param address where to bind; port 0 picks a free port
     * @param tls certificate and key; must not require client certificates
     * @param alpn accepted ALPN ids
     * @param options windows, timeouts, limits
     * @param handler serves inbound streams
     * @return the running listener
     * @throws TlsConfigException if client certificates are required or no certificate is set
     * @throws TransportException if the address cannot be bound
     */
    public static KwikListener start(InetSocketAddress address, TlsSettings tls, Set<String> alpn,
                                     TransportOptions options, StreamHandler handler) {
        if (tls.requireClientCertificate()) {
            throw new TlsConfigException(tls.toString(), "the kwik transport cannot require client certificates: "
                    + "kwik's server does not support client authentication (ptrd/kwik#67), so it would accept "
                    + "unauthenticated peers; use the netty transport for mutual TLS");
        }
        if (!tls.hasCertificate()) {
            throw new TlsConfigException(tls.toString(), "a listener needs its own certificate and key");
        }
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("no ALPN id to accept");
        }
        GuardedDatagramSocket socket;
        try {
            socket = new GuardedDatagramSocket(address.isUnresolved()
                    ? new InetSocketAddress(address.getHostString(), address.getPort()) : address);
        } catch (SocketException e) {
            throw new TransportException(address.toString(), "cannot bind UDP: " + e.getMessage(), e);
        }
        try {
            KwikListener l = new KwikListener(socket, tls, alpn, options, handler);
            LOG.info("kwik listener on {} accepting ALPN {}", l.localAddress, alpn);
            return l;
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** @return connections currently served */
    public int activeConnections() {
        return active.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        socket.shutdownStarted();
        // kwik's close waits up to 30 s for every connection, half-open ones included: give it
        // a moment, then release the port anyway and let it finish on its own thread
        Thread closer = new Thread(this::closeConnector, "dbsync-kwik-close-" + THREADS.incrementAndGet());
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.debug("kwik still closing connections of {}; releasing the port now", localAddress);
        }
        socket.close();
        handlers.shutdownNow();
        try {
            if (!handlers.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("stream handlers of {} still running after close", localAddress);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("kwik listener on {} closed", localAddress);
    }

    private void closeConnector() {
        try {
            connector.close();
        } catch (RuntimeException e) {
            LOG.warn("closing kwik connector on {}: {}", localAddress, e.toString());
        }
    }

    private void serve(QuicStream stream, String alpn, InetSocketAddress remote) {
        KwikInboundStream s = new KwikInboundStream(stream, options.idleTimeout(), alpn, remote);
        try {
            handler.handle(s);
            s.close();
        } catch (Throwable t) {
            LOG.warn("handler failed on {}: {}", s, t.toString());
            LOG.debug("handler failure", t);
            s.abort(HANDLER_ERROR);
            if (t instanceof Error && !(t instanceof StackOverflowError)) {
                throw (Error) t;
            }
        }
    }

    /** Creates our side of each new connection for one ALPN id. */
    private final class Factory implements ApplicationProtocolConnectionFactory {
        private final String alpn;

        Factory(String alpn) {
            this.alpn = alpn;
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return options.maxStreamsPerConnection();
        }

        @Override
        public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
            return 0;
        }

        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
            InetSocketAddress remote = connection instanceof ServerConnection
                    ? ((ServerConnection) connection).getInitialRemoteAddress() : null;
            if (closed.get() || active.incrementAndGet() > options.maxConnections()) {
                active.decrementAndGet();
                LOG.warn("refusing connection from {} on {}: limit of {} connections reached",
                        remote, localAddress, options.maxConnections());
                connection.close(BUSY_ERROR, "too many connections");
                return null;
            }
            connections.add(connection);
            connection.setConnectionListener(event -> {
                if (connections.remove(connection)) {
                    active.decrementAndGet();
                }
            });
            LOG.debug("connection from {} on {} ({})", remote, localAddress, protocol);
            return new ApplicationProtocolConnection() {
                @Override
                public void acceptPeerInitiatedStream(QuicStream stream) {
                    // runs on kwik's receiver thread: never block here
                    if (stream.isUnidirectional()) {
                        stream.abortReading(HANDLER_ERROR);
                        return;
                    }
                    try {
                        handlers.execute(() -> serve(stream, protocol, remote));
                    } catch (RejectedExecutionException e) {
                        LOG.warn("no handler thread for a stream from {}; aborting it", remote);
                        stream.resetStream(BUSY_ERROR);
                        stream.abortReading(BUSY_ERROR);
                    }
                }
            };
        }
    }
}
