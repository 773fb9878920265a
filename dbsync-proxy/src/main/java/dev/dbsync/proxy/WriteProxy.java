package dev.dbsync.proxy;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.proxy.internal.BackOfficeReverseProxy;
import dev.dbsync.proxy.internal.BackOfficeUrl;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reverse-proxies every request it handles to the back office (BO), which owns the read-write
 * database. Built on Jetty's {@code ProxyHandler.Reverse} and {@code HttpClient}:
 *
 * <ul>
 *   <li>the request path and query are appended to the BO URL (and to its base path, if any);</li>
 *   <li>request and response bodies are streamed chunk by chunk with back-pressure, so a large
 *       upload never sits in memory;</li>
 *   <li>hop-by-hop headers ({@code Connection} and the headers it names, {@code Keep-Alive},
 *       {@code Transfer-Encoding}, {@code TE}, {@code Upgrade}, {@code Proxy-*}...) are dropped
 *       in both directions;</li>
 *   <li>{@code X-Forwarded-For}, {@code X-Forwarded-Proto}, {@code X-Forwarded-Host},
 *       {@code Forwarded} and {@code Via} are set; forwarding headers sent by the client are
 *       dropped unless {@link Builder#trustForwardedHeaders(boolean)} is set (the front office
 *       is behind a proxy of its own); {@code Host} is the BO's;</li>
 *   <li>an unreachable BO yields {@code 502 Service temporarily unavailable}, a BO that times
 *       out {@code 504} with the same text.</li>
 * </ul>
 *
 * <p>The handler owns a Jetty {@code HttpClient} (threads {@code dbsync-write-proxy-<n>}),
 * started and stopped with the handler, i.e. with the server it belongs to. It is thread-safe.
 *
 * <pre>{@code
 * Server server = new Server(new InetSocketAddress("127.0.0.1", 8080));
 * WriteProxy writes = WriteProxy.builder("https://bo.internal:8443")
 *         .tls(TlsSettings.clientWithCa(Path.of("ca.pem")))      // pin the BO's CA
 *         .connectTimeout(Duration.ofSeconds(5))
 *         .build();
 * server.setHandler(new ReadWriteSplitHandler(localReads, writes));
 * server.start();
 * }</pre>
 */
public final class WriteProxy extends Handler.Abstract {
    /** Default connect timeout: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default idle timeout of one exchange with the BO: 30 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default size of the client thread pool: 32. */
    public static final int DEFAULT_MAX_THREADS = 32;

    private final BackOfficeUrl bo;
    private final BackOfficeReverseProxy proxy;

    /**
     * A proxy with default options to a BO reached over http, or over https trusting the
     * JDK's default CAs.
     *
     * @param boEndpoint the BO's base URL, e.g. {@code http://bo.internal:8080}
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, is not http(s)
     *     or has no host
     */
    public WriteProxy(String boEndpoint) {
        this(builder(boEndpoint).validated());
    }

    /**
     * A proxy with default options to a BO reached over https with the given TLS settings
     * (typically {@link TlsSettings#clientWithCa} to pin the BO's CA).
     *
     * @param boEndpoint the BO's base URL, e.g. {@code https://bo.internal:8443}
     * @param tls the TLS settings for the connection to the BO
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, has no host or
     *     is not https
     * @throws dev.dbsync.api.TlsConfigException if the TLS settings are unusable
     */
    public WriteProxy(String boEndpoint, TlsSettings tls) {
        this(builder(boEndpoint).tls(tls).validated());
    }

    private WriteProxy(Builder b) {
        this.bo = b.bo;
        this.proxy = new BackOfficeReverseProxy(b.bo, b.tls, b.connectTimeout, b.idleTimeout, b.requestTimeout,
                b.trustForwardedHeaders, b.maxThreads);
        addBean(proxy, true);
    }

    /**
     * Starts a builder.
     *
     * @param boEndpoint the BO's base URL
     * @return a builder with the default options
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, is not http(s)
     *     or has no host
     */
    public static Builder builder(String boEndpoint) {
        return new Builder(BackOfficeUrl.parse(boEndpoint));
    }

    /** @return the BO base URL requests are forwarded to */
    public String backOfficeUrl() {
        return bo.base();
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        proxy.setServer(server);
    }

    /**
     * Forwards the request to the BO and streams the answer back.
     *
     * @return always {@code true}: every request is answered
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return proxy.handle(request, response, callback);
    }

    @Override
    public String toString() {
        return "WriteProxy{" + bo + '}';
    }

    /** Options of a {@link WriteProxy}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final BackOfficeUrl bo;
        private Optional<TlsSettings> tls = Optional.empty();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration requestTimeout = Duration.ZERO;
        private boolean trustForwardedHeaders;
        private int maxThreads = DEFAULT_MAX_THREADS;

        private Builder(BackOfficeUrl bo) {
            this.bo = bo;
        }

        /**
         * @param settings TLS settings for an https BO; their trusted certificates are the only
         *     CAs accepted, and the BO's host name is verified
         * @return this builder
         */
        public Builder tls(TlsSettings settings) {
            this.tls = Optional.of(Objects.requireNonNull(settings, "tls"));
            return this;
        }

        /**
         * @param timeout how long to wait for a TCP (and TLS) connection to the BO; default 5 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout how long an exchange with the BO may stay silent; default 30 s
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
            return this;
        }

        /**
         * @param timeout the total time one exchange may take, body upload included;
         *     {@link Duration#ZERO} (the default) for no limit beyond the idle timeout
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "requestTimeout");
            return this;
        }

        /**
         * @param trust whether {@code X-Forwarded-*} and {@code Forwarded} headers sent by the
         *     client are kept and appended to (only when the front office sits behind a proxy of
         *     its own); default {@code false}: they are dropped, since any client can forge them
         * @return this builder
         */
        public Builder trustForwardedHeaders(boolean trust) {
            this.trustForwardedHeaders = trust;
            return this;
        }

        /**
         * @param threads the size of the proxy client's thread pool; default 32
         * @return this builder
         */
        public Builder maxThreads(int threads) {
            this.maxThreads = threads;
            return this;
        }

        /**
         * Validates the options and builds the handler.
         *
         * @return the proxy, to be added to a Jetty server (it starts and stops with it)
         * @throws IllegalArgumentException if a timeout is negative or zero (request timeout
         *     may be zero), the thread count is below 4, or TLS settings are given for an http URL
         */
        public WriteProxy build() {
            return new WriteProxy(validated());
        }

        private Builder validated() {
            positive("connectTimeout", connectTimeout);
            positive("idleTimeout", idleTimeout);
            if (requestTimeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must not be negative: " + requestTimeout);
            }
            if (maxThreads < 4) {
                throw new IllegalArgumentException("maxThreads must be at least 4: " + maxThreads);
            }
            if (tls.isPresent() && !bo.secure()) {
                throw new IllegalArgumentException("TLS settings were given but back-office URL '" + bo
                        + "' is plain http; use an https:// URL");
            }
            return this;
        }

        private static void positive(String name, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
        }
    }
}
