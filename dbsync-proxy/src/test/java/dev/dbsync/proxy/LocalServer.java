package dev.dbsync.proxy;

import dev.dbsync.api.tls.TlsSettings;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.security.KeyStore;
import java.net.ServerSocket;
import java.net.InetAddress;

/** A real Jetty server on 127.0.0.1 and an ephemeral port, for tests. */
final class LocalServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final String scheme;

    private LocalServer(Handler handler, TlsSettings tls, String name) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("test-" + name);
        server = new Server(threads);
        if (tls == null) {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory());
            scheme = "http";
        } else {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(new String(tls.keyStorePassword()));
            if (tls.requireClientCertificate()) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                for (int i = 0; i < tls.trustedCertificates().size(); i++) {
                    trust.setCertificateEntry("ca-" + i, tls.trustedCertificates().get(i));
                }
                ssl.setTrustStore(trust);
                ssl.setNeedClientAuth(true);
            }
            connector = new ServerConnector(server, 1, 1,
                    new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory());
            scheme = "https";
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setStopTimeout(0);
        server.start();
    }

    static LocalServer start(String name, Handler handler) throws Exception {
        return new LocalServer(handler, null, name);
    }

    static LocalServer startTls(String name, Handler handler, TlsSettings tls) throws Exception {
        return new LocalServer(handler, tls, name);
    }

    /** @return a port on 127.0.0.1 that nothing listens on (bound then released) */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /**
     * Pins the kernel receive buffer of accepted connections (which turns autotuning off), so
     * that what sits in socket buffers is small and known.
     */
    LocalServer receiveBuffer(int bytes) {
        connector.setAcceptedReceiveBufferSize(bytes);
        return this;
    }

    int port() {
        return connector.getLocalPort();
    }

    String url() {
        return scheme + "://127.0.0.1:" + port();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
