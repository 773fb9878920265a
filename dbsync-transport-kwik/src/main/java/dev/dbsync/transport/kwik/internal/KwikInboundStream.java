package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.transport.InboundStream;
import tech.kwik.core.QuicStream;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A stream a peer opened on a kwik listener. The peer's certificates are always empty: a kwik
 * listener cannot ask for client certificates.
 */
final class KwikInboundStream extends KwikStream implements InboundStream {
    private final String alpn;
    private final InetSocketAddress remote;

    KwikInboundStream(QuicStream stream, Duration timeout, String alpn, InetSocketAddress remote) {
        super(stream, timeout, remote + "#" + stream.getStreamId());
        this.alpn = alpn;
        this.remote = remote;
    }

    @Override
    public String negotiatedAlpn() {
        return alpn;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return List.of();
    }
}
