package dev.dbsync.testkit;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportStream;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/** A dialed TLS-over-TCP connection carrying exactly one stream. */
final class TcpTlsConnection implements TransportConnection {
    private final SSLSocket socket;
    private final String alpn;
    private final String endpoint;
    private final AtomicBoolean streamOpened = new AtomicBoolean();
    private final TcpTlsStream stream;

    TcpTlsConnection(java.net.Socket raw, SSLSocket socket, String alpn, String endpoint) {
        this.socket = socket;
        this.alpn = alpn;
        this.endpoint = endpoint;
        this.stream = new TcpTlsStream(raw, socket, endpoint, alpn, List.of());
    }

    @Override
    public String negotiatedAlpn() {
        return alpn;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return certificates(socket);
    }

    @Override
    public TransportStream openStream() {
        if (!streamOpened.compareAndSet(false, true)) {
            throw new TransportException(endpoint, "the tcp-test transport carries one stream per connection");
        }
        if (socket.isClosed()) {
            throw new TransportException(endpoint, "connection is closed");
        }
        return stream;
    }

    @Override
    public void close() {
        stream.close();
    }

    static List<X509Certificate> certificates(SSLSocket socket) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : socket.getSession().getPeerCertificates()) {
                out.add((X509Certificate) c);
            }
            return List.copyOf(out);
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }
}
