package dev.dbsync.proxy.internal;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.tls.TlsSettings;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Builds the Jetty {@link HttpClient}s that talk to the back office: own daemon threads named
 * {@code dbsync-<role>-<n>}, no redirects followed, no cookie jar, the given timeouts, and TLS
 * that trusts exactly the CA of the given {@link TlsSettings} (with host name verification).
 * The clients are returned unstarted.
 */
public final class BackOfficeClientFactory {
    private static final Logger LOG = LoggerFactory.getLogger(BackOfficeClientFactory.class);

    private BackOfficeClientFactory() {
    }

    /**
     * Creates an unstarted client.
     *
     * @param role the thread-name role, e.g. {@code write-proxy}
     * @param bo the back office the client talks to
     * @param tls TLS settings for an https back office; empty to use the JDK's trust store
     * @param connectTimeout the TCP (and TLS) connect timeout
     * @param idleTimeout how long a connection may stay silent
     * @param maxThreads the size of the client's thread pool
     * @return the client, not started
     * @throws IllegalArgumentException if TLS settings are given for an http back office
     * @throws TlsConfigException if the TLS settings cannot build an SSL context
     */
    public static HttpClient create(String role, BackOfficeUrl bo, Optional<TlsSettings> tls,
            Duration connectTimeout, Duration idleTimeout, int maxThreads) {
        if (tls.isPresent() && !bo.secure()) {
            throw new IllegalArgumentException("TLS settings were given but back-office URL '" + bo
                    + "' is plain http; use an https:// URL");
        }
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(maxThreads, 4), 1);
        threads.setName("dbsync-" + role);
        threads.setDaemon(true);
        threads.setReservedThreads(0);

        ClientConnector connector = new ClientConnector();
        connector.setExecutor(threads);
        connector.setScheduler(new ScheduledExecutorScheduler("dbsync-" + role + "-timer", true));
        connector.setSelectors(1);
        connector.setConnectTimeout(connectTimeout);
        connector.setIdleTimeout(idleTimeout);
        if (bo.secure()) {
            connector.setSslContextFactory(sslContextFactory(bo, tls));
        }

        HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector));
        client.setExecutor(threads);
        client.setScheduler(connector.getScheduler());
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(idleTimeout.toMillis());
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
        client.setUserAgentField(null);
        return client;
    }

    /**
     * Starts a client for plain request/response calls: Jetty's protocol handlers (redirects,
     * {@code WWW-Authenticate} challenges, {@code 100-continue}) and content decoders are
     * removed, so a {@code 401} or {@code 3xx} from the back office reaches the caller as is.
     *
     * @param client a client from {@link #create}
     * @param what a description of the user for errors
     * @throws IllegalStateException if the client cannot start
     */
    public static void startPlain(HttpClient client, String what) {
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client of " + what + ": " + e.getMessage(), e);
        }
        client.getProtocolHandlers().clear();
        client.getContentDecoderFactories().clear();
    }

    private static SslContextFactory.Client sslContextFactory(BackOfficeUrl bo, Optional<TlsSettings> tls) {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setEndpointIdentificationAlgorithm("HTTPS");
        if (tls.isEmpty()) {
            return ssl;
        }
        TlsSettings settings = tls.get();
        if (settings.insecureSkipVerify()) {
            LOG.warn("TLS to back office {} does NOT verify the server certificate (insecureSkipVerify): "
                    + "for local development only", bo);
            ssl.setTrustAll(true);
            ssl.setEndpointIdentificationAlgorithm(null);
            if (settings.hasCertificate()) {
                ssl.setKeyStore(settings.keyStore());
                ssl.setKeyStorePassword(new String(settings.keyStorePassword()));
            }
            return ssl;
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(settings.hasCertificate() ? settings.keyManagerFactory().getKeyManagers() : null,
                    settings.trustManagerFactory().getTrustManagers(), null);
            ssl.setSslContext(context);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(settings.toString(), "cannot build an SSL context: " + e.getMessage(), e);
        }
    }
}
