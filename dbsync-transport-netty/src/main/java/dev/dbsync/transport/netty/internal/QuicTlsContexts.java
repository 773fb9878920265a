package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.tls.TlsSettings;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * Builds BoringSSL contexts for QUIC from {@link TlsSettings}. QUIC always runs TLS 1.3; early
 * data (0-RTT) is turned off on both sides.
 */
final class QuicTlsContexts {
    private QuicTlsContexts() {
    }

    /**
     * @param tls the listener's settings: certificate and key, and the client CA when client
     *     certificates are required
     * @param alpn the accepted ALPN ids
     * @return the server context
     * @throws TlsConfigException if the settings have no certificate or BoringSSL refuses them
     */
    static QuicSslContext server(TlsSettings tls, Collection<String> alpn) {
        if (!tls.hasCertificate()) {
            throw new TlsConfigException(tls.toString(), "a listener needs its own certificate and key");
        }
        try {
            QuicSslContextBuilder b = QuicSslContextBuilder.forServer(tls.privateKey().orElseThrow(), null,
                            tls.certificateChain().toArray(new X509Certificate[0]))
                    .applicationProtocols(alpn.toArray(new String[0]))
                    .earlyData(false);
            if (tls.requireClientCertificate()) {
                b.trustManager(tls.trustManagerFactory()).clientAuth(ClientAuth.REQUIRE);
            } else {
                b.clientAuth(ClientAuth.NONE);
            }
            return b.build();
        } catch (TlsConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TlsConfigException(tls.toString(), "cannot build a QUIC TLS server context: " + e.getMessage(), e);
        }
    }

    /**
     * @param tls the dialer's settings: pinned CA (or insecure mode) and optional client certificate
     * @param alpn the offered ALPN ids, most preferred first
     * @return the client context
     * @throws TlsConfigException if neither a CA nor insecure mode is configured
     */
    static QuicSslContext client(TlsSettings tls, Collection<String> alpn) {
        QuicSslContextBuilder b = QuicSslContextBuilder.forClient()
                .applicationProtocols(alpn.toArray(new String[0]))
                .earlyData(false);
        if (tls.insecureSkipVerify()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.trustedCertificates().isEmpty()) {
            throw new TlsConfigException(tls.toString(), "a dialer needs a trusted CA (or insecure mode for development)");
        } else {
            b.trustManager(tls.trustManagerFactory());
        }
        if (tls.hasCertificate()) {
            b.keyManager(tls.privateKey().orElseThrow(), null, tls.certificateChain().toArray(new X509Certificate[0]));
        }
        try {
            return b.build();
        } catch (RuntimeException e) {
            throw new TlsConfigException(tls.toString(), "cannot build a QUIC TLS client context: " + e.getMessage(), e);
        }
    }
}
