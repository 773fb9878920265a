package dev.dbsync.api.transport;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * An established, authenticated connection from a dialer to a listener. Thread-safe.
 */
public interface TransportConnection extends AutoCloseable {

    /** @return the ALPN id both sides agreed on */
    String negotiatedAlpn();

    /** @return the peer's address */
    InetSocketAddress remoteAddress();

    /** @return the peer's certificate chain, leaf first */
    List<X509Certificate> peerCertificates();

    /**
     * Opens a bidirectional stream.
     *
     * @return the stream
     * @throws dev.dbsync.api.TransportException if the connection is closed or refused the stream
     */
    TransportStream openStream();

    /** Closes the connection and every stream on it; idempotent. */
    @Override
    void close();
}
