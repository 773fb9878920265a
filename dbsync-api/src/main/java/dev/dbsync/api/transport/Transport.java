package dev.dbsync.api.transport;

import dev.dbsync.api.tls.TlsSettings;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A QUIC (or other) stream transport. Transports move bytes: they open and accept
 * bidirectional streams over TLS 1.3 with ALPN; framing belongs to the caller.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: a transport module
 * declares {@code provides dev.dbsync.api.transport.Transport with …} and ships
 * {@code META-INF/services/dev.dbsync.api.transport.Transport} for classpath users. The
 * provider class needs a public no-argument constructor, which must not fail even when the
 * transport cannot run here: {@link #isAvailable()} says so instead.
 *
 * <p>Implementations are thread-safe.
 */
public interface Transport {

    /** @return the short name users select this transport by, e.g. "netty" or "kwik" */
    String name();

    /** @return true when this transport can run on this platform (its native parts load) */
    boolean isAvailable();

    /** @return why {@link #isAvailable()} is false, when it is */
    Optional<Throwable> unavailabilityCause();

    /**
     * @return how much this transport wants to be the default when no name is given; the
     *     available transport with the highest priority wins
     */
    int priority();

    /**
     * Connects to a listener and completes the TLS handshake.
     *
     * @param endpoint the listener's address
     * @param tls this side's TLS settings (trusted CA or insecure mode, optional client certificate)
     * @param alpn the ALPN ids offered, most preferred first
     * @param options timeouts and windows
     * @return an open connection
     * @throws dev.dbsync.api.TransportException if the peer cannot be reached, refuses the
     *     handshake (its certificate is not trusted, no ALPN id in common, our certificate is
     *     refused), or does not answer within the connect timeout
     */
    TransportConnection dial(Endpoint endpoint, TlsSettings tls, List<String> alpn, TransportOptions options);

    /**
     * Binds a listener and starts accepting connections; every bidirectional stream a peer
     * opens is passed to {@code handler} on a thread that may block.
     *
     * @param address the address to bind; port 0 picks a free port
     * @param tls the listener's TLS settings (certificate and key; trusted CA when client
     *     certificates are required)
     * @param alpn the ALPN ids accepted; when several are offered by a dialer and the TLS
     *     implementation lets the server choose, the first of this set's iteration order wins,
     *     so pass an ordered set (most preferred first)
     * @param options timeouts, windows and the connection limit
     * @param handler called once for each inbound stream
     * @return the running listener
     * @throws dev.dbsync.api.TransportException if the address cannot be bound
     * @throws dev.dbsync.api.TlsConfigException if the settings cannot serve, e.g. this
     *     transport cannot require client certificates
     */
    TransportListener listen(InetSocketAddress address, TlsSettings tls, Set<String> alpn,
                             TransportOptions options, StreamHandler handler);
}
