package dev.dbsync.transport.netty;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.transport.netty.internal.NativeQuic;
import dev.dbsync.transport.netty.internal.QuicDialer;
import dev.dbsync.transport.netty.internal.QuicListener;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code "netty"} transport: QUIC on Netty 4.2's codec over the native quiche library
 * (TLS 1.3 by BoringSSL). It is the preferred transport ({@link #priority()} 100) wherever its
 * native library loads.
 *
 * <p>Applications do not normally call it directly: it is found by {@link java.util.ServiceLoader}
 * (see {@code dev.dbsync.core.Transports}). On the module path the JVM needs
 * {@code --add-modules io.netty.codec.quic.linux.x86_64} (or the platform's native module),
 * because no module requires the native jar; {@link #unavailabilityCause()} says so when it is
 * missing.
 *
 * <pre>{@code
 * Transport quic = new NettyTransport();
 * try (TransportListener l = quic.listen(new InetSocketAddress("127.0.0.1", 0), serverTls,
 *         Set.of("dbsync/1"), TransportOptions.defaults(), stream -> stream.input().transferTo(sink))) {
 *     try (TransportConnection c = quic.dial(new Endpoint("localhost", l.port()), clientTls,
 *             List.of("dbsync/1"), TransportOptions.defaults());
 *          TransportStream s = c.openStream()) {
 *         s.output().write(bytes);
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe and stateless: every listener and connection owns its own event-loop thread.
 */
public final class NettyTransport implements Transport {
    /** The name users select this transport by. */
    public static final String NAME = "netty";
    /** Priority among transports: above the pure-Java kwik transport. */
    public static final int PRIORITY = 100;

    /** Creates the transport; never fails, even where the native library cannot load. */
    public NettyTransport() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return NativeQuic.cause().isEmpty();
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return NativeQuic.cause();
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * {@inheritDoc}
     *
     * <p>With mutual TLS, TLS 1.3 lets the listener refuse this side's certificate only after the
     * handshake: {@code dial} then succeeds and the first stream operation fails with a
     * {@link dev.dbsync.api.TransportException} that says the certificate was refused.
     */
    @Override
    public TransportConnection dial(Endpoint endpoint, TlsSettings tls, List<String> alpn, TransportOptions options) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(options, "options");
        NativeQuic.ensureAvailable(endpoint.toString());
        return QuicDialer.dial(endpoint, tls, checkAlpn(List.copyOf(alpn)), options);
    }

    @Override
    public TransportListener listen(InetSocketAddress address, TlsSettings tls, Set<String> alpn,
                                    TransportOptions options, StreamHandler handler) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        NativeQuic.ensureAvailable(address.toString());
        return QuicListener.start(address, tls, Set.copyOf(checkAlpn(List.copyOf(alpn))), options, handler);
    }

    private static List<String> checkAlpn(List<String> alpn) {
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("at least one ALPN id is required");
        }
        for (String id : alpn) {
            if (id.isEmpty() || id.length() > 255) {
                throw new IllegalArgumentException("ALPN id '" + id + "' must be 1 to 255 characters");
            }
        }
        return alpn;
    }

    @Override
    public String toString() {
        return "NettyTransport{available=" + isAvailable() + '}';
    }
}
