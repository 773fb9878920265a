package dev.dbsync.testkit;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A {@link Transport} over JDK TLS 1.3 on TCP, for tests: it runs everywhere, needs no native
 * library, and shows how a third transport plugs in through {@link java.util.ServiceLoader}
 * (this module both {@code provides} it and lists it in {@code META-INF/services}).
 *
 * <p>Behaviour mapped onto the SPI:
 * <ul>
 *   <li>ALPN: the dialer offers its ids in order of preference; the listener picks the first
 *       offered id it accepts, and refuses the handshake when there is none.</li>
 *   <li>One stream per connection: {@link TransportConnection#openStream()} may be called
 *       <em>once</em> per connection (a second call throws); the listener calls its handler
 *       once per connection, right after the handshake.</li>
 *   <li>Half-close is a TLS 1.3 {@code close_notify} ({@link SSLSocket#shutdownOutput()}); the
 *       other direction keeps working. {@code abort} resets the TCP connection.</li>
 *   <li>Mutual TLS when {@link TlsSettings#requireClientCertificate()}; the dialer verifies
 *       the server's name ({@code HTTPS} endpoint identification) unless the settings are
 *       insecure.</li>
 *   <li>Reads fail after {@link TransportOptions#idleTimeout()} without data; the handshake
 *       is bounded by {@link TransportOptions#connectTimeout()}; a listener serves at most
 *       {@link TransportOptions#maxConnections()} connections and closes any extra one at once.</li>
 * </ul>
 *
 * <p>Name {@value #NAME}, priority 0 (below the QUIC transports). Thread-safe.
 */
public final class TcpTlsTransport implements Transport {
    /** The name this transport is selected by. */
    public static final String NAME = "tcp-test";

    private static final System.Logger LOG = System.getLogger(TcpTlsTransport.class.getName());

    /** Creates the transport; public for {@link java.util.ServiceLoader}. */
    public TcpTlsTransport() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public TransportConnection dial(Endpoint endpoint, TlsSettings tls, List<String> alpn, TransportOptions options) {
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("at least one ALPN id is required");
        }
        SSLContext ctx = clientContext(tls);
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(endpoint.host(), endpoint.port()),
                    (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, endpoint.host(), endpoint.port(), true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setApplicationProtocols(alpn.toArray(new String[0]));
            if (!tls.insecureSkipVerify()) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            } else {
                LOG.log(System.Logger.Level.WARNING, "dialing " + endpoint
                        + " WITHOUT verifying the server certificate (insecure TLS settings)");
            }
            s.setSSLParameters(p);
            s.setSoTimeout(millis(options.connectTimeout()));
            s.startHandshake();
            s.setSoTimeout(millis(options.idleTimeout()));
            String chosen = s.getApplicationProtocol();
            if (chosen == null || chosen.isEmpty()) {
                s.close();
                throw new TransportException(endpoint.toString(), "the server agreed on no ALPN id of " + alpn);
            }
            return new TcpTlsConnection(raw, s, chosen, endpoint.toString());
        } catch (SSLException e) {
            closeQuietly(raw);
            throw new TransportException(endpoint.toString(), "TLS handshake failed: " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new TransportException(endpoint.toString(), "cannot connect: " + e, e);
        }
    }

    @Override
    public TransportListener listen(InetSocketAddress address, TlsSettings tls, Set<String> alpn,
                                    TransportOptions options, StreamHandler handler) {
        if (!tls.hasCertificate()) {
            throw new TlsConfigException(tls.toString(), "a listener needs its own certificate and key");
        }
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("at least one ALPN id is required");
        }
        return TcpTlsListener.start(address, serverContext(tls), tls.requireClientCertificate(),
                Set.copyOf(alpn), options, handler);
    }

    static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a broken socket
        }
    }

    /**
     * Client contexts by settings instance: building one decrypts the PKCS#12 key store, which
     * costs hundreds of milliseconds on a slow machine. Settings are immutable, so a context
     * built once serves every dial made with them.
     */
    private static final java.util.Map<TlsSettings, SSLContext> CLIENT_CONTEXTS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static SSLContext clientContext(TlsSettings tls) {
        SSLContext cached = CLIENT_CONTEXTS.get(tls);
        if (cached != null) {
            return cached;
        }
        SSLContext built = buildClientContext(tls);
        CLIENT_CONTEXTS.put(tls, built);
        return built;
    }

    private static SSLContext buildClientContext(TlsSettings tls) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            TrustManager[] trust = tls.insecureSkipVerify()
                    ? new TrustManager[] {new TrustEverything()}
                    : tls.trustManagerFactory().getTrustManagers();
            ctx.init(tls.hasCertificate() ? tls.keyManagerFactory().getKeyManagers() : null, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(tls.toString(), "cannot build a TLS 1.3 client context: " + e.getMessage(), e);
        }
    }

    private static SSLContext serverContext(TlsSettings tls) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(tls.keyManagerFactory().getKeyManagers(),
                    tls.requireClientCertificate() ? tls.trustManagerFactory().getTrustManagers() : null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(tls.toString(), "cannot build a TLS 1.3 server context: " + e.getMessage(), e);
        }
    }

    /** Accepts any server certificate: only for {@link TlsSettings#insecureSkipVerify()}. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a dialer does not verify clients");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // insecure by request
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
