package dev.dbsync.transport.kwik;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.transport.kwik.internal.KwikDialer;
import dev.dbsync.transport.kwik.internal.KwikListener;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * QUIC on kwik, a pure-Java implementation (LGPL-3.0): the fallback when Netty's native QUIC
 * cannot load. Name {@code "kwik"}, priority {@value #PRIORITY} (Netty's is higher).
 *
 * <p>What differs from the Netty transport:
 * <ul>
 *   <li>A listener cannot require client certificates: {@link #listen} with
 *       {@link TlsSettings#requireClientCertificate()} throws
 *       {@link dev.dbsync.api.TlsConfigException}. A dialer can present one.</li>
 *   <li>kwik's client offers one ALPN id per handshake: {@link #dial} tries the ids in order.</li>
 *   <li>Peer certificates of inbound streams are always empty.</li>
 * </ul>
 *
 * <pre>{@code
 * Transport kwik = new KwikTransport();
 * try (TransportListener l = kwik.listen(new InetSocketAddress("127.0.0.1", 0),
 *         TlsSettings.server(cert, key), Set.of("dbsync/1"), TransportOptions.defaults(),
 *         stream -> stream.input().transferTo(OutputStream.nullOutputStream()));
 *      TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()),
 *         TlsSettings.clientWithCa(ca), List.of("dbsync/1"), TransportOptions.defaults())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; holds no state.
 */
public final class KwikTransport implements Transport {
    /** This transport's priority among the available ones. */
    public static final int PRIORITY = 10;

    private static final Throwable UNAVAILABLE = probe();

    /** Creates the provider; never fails, even when kwik is missing. */
    public KwikTransport() {
        // stateless
    }

    private static Throwable probe() {
        try {
            Class.forName("tech.kwik.core.QuicClientConnection");
            Class.forName("tech.kwik.agent15.engine.TlsClientEngine");
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return e;
        }
    }

    /** @return {@code "kwik"} */
    @Override
    public String name() {
        return "kwik";
    }

    /** @return true when the kwik library is present */
    @Override
    public boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /** @return why kwik cannot load, when it cannot */
    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(UNAVAILABLE);
    }

    /** @return {@value #PRIORITY} */
    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The ALPN ids are tried one handshake at a time, in order.
     */
    @Override
    public TransportConnection dial(Endpoint endpoint, TlsSettings tls, List<String> alpn, TransportOptions options) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(options, "options");
        return KwikDialer.dial(endpoint, tls, List.copyOf(alpn), options);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.dbsync.api.TlsConfigException also when {@code tls} requires client
     *     certificates, which kwik's server cannot ask for
     */
    @Override
    public TransportListener listen(InetSocketAddress address, TlsSettings tls, Set<String> alpn,
                                    TransportOptions options, StreamHandler handler) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return KwikListener.start(address, tls, Set.copyOf(alpn), options, handler);
    }

    @Override
    public String toString() {
        return "kwik transport";
    }
}
