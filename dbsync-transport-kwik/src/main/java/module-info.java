/**
 * QUIC transport on kwik, pure Java (LGPL-3.0). Optional: add this module to use QUIC where
 * Netty's native library cannot load. Found by {@link java.util.ServiceLoader} under the name
 * {@code "kwik"}.
 *
 * <p>Limitation: a kwik listener cannot require client certificates (mutual TLS); asking for it
 * fails with {@link dev.dbsync.api.TlsConfigException}. A kwik dialer can present one.
 */
module dev.dbsync.transport.kwik {
    requires dev.dbsync.api;
    requires tech.kwik.core;
    requires tech.kwik.agent15;
    requires org.slf4j;

    exports dev.dbsync.transport.kwik;

    provides dev.dbsync.api.transport.Transport with dev.dbsync.transport.kwik.KwikTransport;
}
