package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicClientConnection;

import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Dials kwik connections. kwik's client offers a single ALPN id per handshake, so the ids are
 * tried in the caller's order: a refusal for "no application protocol" moves to the next id,
 * any other failure ends the dial.
 *
 * <p>A dial is not interruptible, like {@link java.net.Socket#connect}: it is bounded by the
 * connect timeout, and an interrupt that arrives before or during it is kept and restored when it
 * returns. kwik wakes a stream's blocked reader or writer with an interrupt that can land after
 * that read or write returned, on a thread that goes on to dial; kwik's handshake then failed
 * with a bare {@link InterruptedException}.
 */
public final class KwikDialer {
    private static final Logger LOG = LoggerFactory.getLogger(KwikDialer.class);
    private static final String KWIK_WARNING_PROPERTY = "tech.kwik.core.no-security-warnings";
    /** The longest the listener's first datagram waits for the dialing thread, see {@link HandshakeGatedSocket}. */
    private static final Duration MAX_HOLD = Duration.ofSeconds(2);

    static {
        // the dialer always disables kwik's host-name check (it checks names itself, see
        // ServerIdentityTrustManager); kwik would print a warning to stdout each time
        if (System.getProperty(KWIK_WARNING_PROPERTY) == null) {
            System.setProperty(KWIK_WARNING_PROPERTY, "true");
        }
        KwikAssertions.disable();
    }

    private KwikDialer() {
    }

    /**
     * Connects and completes the handshake.
     *
     * @param endpoint the listener
     * @param tls this side's settings
     * @param alpn ids offered, most preferred first
     * @param options timeouts and windows
     * @return the connection
     * @throws TransportException if no handshake succeeds
     * @throws TlsConfigException if the settings can verify no server
     */
    public static TransportConnection dial(Endpoint endpoint, TlsSettings tls, List<String> alpn, TransportOptions options) {
        if (alpn.isEmpty()) {
            throw new IllegalArgumentException("no ALPN id to offer");
        }
        if (!tls.insecureSkipVerify() && tls.trustedCertificates().isEmpty()) {
            throw new TlsConfigException(tls.toString(), "a dialer needs a trusted CA (or the insecure development mode)");
        }
        if (tls.insecureSkipVerify()) {
            LOG.warn("INSECURE: the certificate of {} is not verified (development only; anyone on the path can impersonate it)",
                    endpoint);
        }
        boolean[] interrupted = {Thread.interrupted()};
        try {
            return dialEachId(endpoint, tls, alpn, options, interrupted);
        } finally {
            if (interrupted[0] || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static TransportConnection dialEachId(Endpoint endpoint, TlsSettings tls, List<String> alpn,
                                                  TransportOptions options, boolean[] interrupted) {
        List<String> refused = new ArrayList<>();
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        for (int i = 0; i < alpn.size(); i++) {
            String id = alpn.get(i);
            ServerIdentityTrustManager verifier = tls.insecureSkipVerify()
                    ? null : new ServerIdentityTrustManager(tls, endpoint.host());
            HandshakeGatedSocket[] socket = new HandshakeGatedSocket[1];
            QuicClientConnection conn = build(endpoint, tls, id, options, verifier, socket);
            CryptoStreamGuard.guard(conn);
            OpenStreams streams = new OpenStreams(endpoint.toString(), conn::isConnected);
            // before connect: a close by the peer right after the handshake must not be missed
            conn.setConnectionListener(streams);
            try {
                conn.connect();
            } catch (IOException | RuntimeException e) {
                conn.close();
                if (isInterruption(e) && System.nanoTime() < deadline) {
                    // an interrupt cut the handshake short: keep it for the caller, dial this id again
                    interrupted[0] = true;
                    Thread.interrupted();
                    LOG.debug("handshake with {} interrupted; dialing again", endpoint);
                    i--;
                    continue;
                }
                if (isAlpnRefusal(e)) {
                    refused.add(id);
                    LOG.debug("{} refused ALPN {}", endpoint, id);
                    continue;
                }
                if (verifier != null && verifier.refusal().isPresent()) {
                    CertificateException why = verifier.refusal().get();
                    throw new TransportException(endpoint.toString(), "QUIC handshake failed: server certificate refused: "
                            + why.getMessage(), why);
                }
                String kwikSays = describe(e);
                // kwik's "Handshake error: " often ends there; the connection's end says more
                String why = streams.closedReason()
                        .map(r -> kwikSays.endsWith(": ") ? kwikSays + r : kwikSays + " (" + r + ")").orElse(kwikSays);
                throw new TransportException(endpoint.toString(), "QUIC handshake failed: " + why, e);
            } finally {
                if (socket[0] != null) {
                    socket[0].open();
                }
            }
            return new KwikConnection(conn, streams, endpoint, id, options);
        }
        throw new TransportException(endpoint.toString(), "no common ALPN id: the listener refused " + refused);
    }

    private static QuicClientConnection build(Endpoint endpoint, TlsSettings tls, String alpn, TransportOptions options,
                                              ServerIdentityTrustManager verifier, HandshakeGatedSocket[] socket) {
        Duration maxHold = Duration.ofMillis(Math.min(MAX_HOLD.toMillis(), options.connectTimeout().toMillis() / 2));
        QuicClientConnection.Builder b = QuicClientConnection.newBuilder()
                .host(endpoint.host())
                .port(endpoint.port())
                .applicationProtocol(alpn)
                .connectTimeout(options.connectTimeout())
                .maxIdleTimeout(options.idleTimeout())
                .defaultStreamReceiveBufferSize(options.streamWindow())
                .maxOpenPeerInitiatedBidirectionalStreams(0)
                .maxOpenPeerInitiatedUnidirectionalStreams(0)
                .logger(Slf4jKwikLogger.INSTANCE)
                // called on this (the dialing) thread, which the socket watches: see HandshakeGatedSocket
                .socketFactory(destination -> {
                    socket[0] = new HandshakeGatedSocket(maxHold);
                    return socket[0];
                })
                // turns kwik's host-name check off; the trust manager below does it (and the chain)
                .noServerCertificateCheck()
                .customTrustManager(verifier == null ? InsecureTrustManager.INSTANCE : verifier);
        if (tls.hasCertificate()) {
            List<X509Certificate> chain = tls.certificateChain();
            b.clientCertificate(chain.get(0)).clientCertificateKey(tls.privateKey().orElseThrow());
        }
        try {
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new TransportException(endpoint.toString(), "cannot create a QUIC connection: " + describe(e), e);
        }
    }

    private static boolean isInterruption(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                    && !(t instanceof java.net.SocketTimeoutException)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAlpnRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            // kwik 0.10.8: "Handshake error: Server closed connection: TLS error 120: unsupported application protocol: x"
            if (m.contains("tls error 120") || m.contains("unsupported application protocol")
                    || m.contains("no_application_protocol")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        return e instanceof ConnectException || e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
