package dev.dbsync.transport.netty.internal;

import io.netty.handler.codec.quic.QuicChannel;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Reads the verified peer certificate chain and the negotiated ALPN id of a QUIC connection. */
final class PeerCertificates {
    private PeerCertificates() {
    }

    /** @param ch an established connection @return the peer's chain, leaf first; empty if none */
    static List<X509Certificate> of(QuicChannel ch) {
        SSLEngine engine = ch.sslEngine();
        if (engine == null) {
            return List.of();
        }
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : engine.getSession().getPeerCertificates()) {
                if (c instanceof X509Certificate) {
                    out.add((X509Certificate) c);
                }
            }
            return List.copyOf(out);
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    /** @param ch an established connection @return the negotiated ALPN id, or "" when none */
    static String alpn(QuicChannel ch) {
        SSLEngine engine = ch.sslEngine();
        String p = engine == null ? null : engine.getApplicationProtocol();
        return p == null ? "" : p;
    }
}
