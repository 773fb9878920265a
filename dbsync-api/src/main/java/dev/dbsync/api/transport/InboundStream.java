package dev.dbsync.api.transport;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A stream a peer opened on a listener, with what is known of that peer.
 */
public interface InboundStream extends TransportStream {

    /** @return the ALPN id negotiated on this stream's connection */
    String negotiatedAlpn();

    /** @return the peer's address */
    InetSocketAddress remoteAddress();

    /**
     * @return the client certificate chain the peer presented, leaf first; empty when the
     *     listener does not require one or the transport cannot report it
     */
    List<X509Certificate> peerCertificates();
}
