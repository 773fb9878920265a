package dev.dbsync.proxy;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.proxy.internal.AuthAction;
import dev.dbsync.proxy.internal.AuthFormHandler;
import dev.dbsync.proxy.internal.BackOfficeClientFactory;
import dev.dbsync.proxy.internal.BackOfficeUrl;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Proxies the front office's auth forms to the back office (BO) internal auth API and turns
 * the BO's JSON answers into a session cookie, a flash message and a redirect for the front
 * office's domain; the user never sees the BO URL.
 *
 * <p>Each handler ({@link #loginHandler}, {@link #registerHandler},
 * {@link #forgotPasswordHandler}, {@link #resetPasswordHandler}):
 * <ol>
 *   <li>accepts only {@code POST} ({@code 405} otherwise) with a URL-encoded form;</li>
 *   <li>if a health check is configured and says the BO is down, flashes an error and
 *       redirects ({@code 303}) back to the form page ({@code /login}, {@code /register},
 *       {@code /forgot-password}, and {@code /forgot-password} for a reset) without calling the
 *       BO;</li>
 *   <li>posts the form fields as JSON to {@code <bo>/api/internal/auth/<login|register|
 *       forgot-password|reset-password>} — login: {@code username, password}; register:
 *       {@code username, email, password, display_name}; forgot: {@code email}; reset:
 *       {@code token, password}, after checking that {@code password} equals
 *       {@code password_confirm} (else back to {@code /reset-password?token=<url-encoded>});
 *       {@code X-Forwarded-For} carries the user's address; a form over 16 KiB or 16 fields
 *       is answered {@code 400};</li>
 *   <li>reads the answer {@code {ok, token, user_id, error, code, flash, redirect}} (at most
 *       64 KiB, within 10 s by default); an unreachable BO or an oversize or malformed answer
 *       flashes a generic error and goes back to the form;</li>
 *   <li>on refusal ({@code ok} false or a non-2xx status) flashes the BO's {@code error} as
 *       plain text and goes back to the form ({@code /reset-password?token=...} for a reset);</li>
 *   <li>on success: after login sets the cookie {@code token} ({@code Path=/; Max-Age=86400;
 *       HttpOnly; SameSite=Strict}, plus {@code Secure} and {@code Domain} when configured);
 *       flashes the BO's {@code flash} as success; redirects ({@code 303}) to the BO's
 *       {@code redirect} if it is a same-site path ({@code /...}, not {@code //...},
 *       {@code /\...}, nor any scheme; otherwise a warning is logged) or else to
 *       {@code /dashboard} after login and {@code /login} after the others.</li>
 * </ol>
 *
 * <p>The proxy owns an HTTP client (threads {@code dbsync-auth-proxy-<n>}); close it after
 * the server that uses its handlers has stopped. A {@link BOHealthChecker} given to the builder
 * is shared, not owned. Thread-safe.
 *
 * <pre>{@code
 * BOHealthChecker health = new BOHealthChecker("http://bo.internal:8080", Duration.ofSeconds(10));
 * AuthProxy auth = AuthProxy.builder("http://bo.internal:8080")
 *         .cookieDomain("shop.example").secureCookie(true).healthChecker(health).build();
 * Flash flash = (response, kind, message) -> sessionFlash.put(response, kind, message);
 * PathMappingsHandler routes = new PathMappingsHandler();
 * routes.addMapping(PathSpec.from("/login"), auth.loginHandler(flash));
 * routes.addMapping(PathSpec.from("/register"), auth.registerHandler(flash));
 * }</pre>
 *
 * @deprecated kept for compatibility with the original Go package, which deprecated it in
 *     favour of a separate auth-proxy package; new front offices should not proxy
 *     authentication through dbsync.
 */
@Deprecated
public final class AuthProxy implements AutoCloseable {
    /** Default time allowed for the BO to answer: 10 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Largest BO answer read: 64 KiB. */
    public static final int MAX_REPLY_BYTES = AuthFormHandler.MAX_REPLY_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(AuthProxy.class);
    private static final Pattern DOMAIN = Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final BackOfficeUrl bo;
    private final Duration timeout;
    private final Optional<BooleanSupplier> healthCheck;
    private final AuthFormHandler.CookiePolicy cookie;
    private final HttpClient client;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * An auth proxy with the default timeout and no health check.
     *
     * @param boUrl the BO's base URL, e.g. {@code http://bo.internal:8080}
     * @param cookieDomain the session cookie's {@code Domain}; empty for none (host-only cookie)
     * @param secure whether the session cookie is {@code Secure} (the front office is served over https)
     * @throws IllegalArgumentException naming the URL or domain if it is unusable
     */
    public AuthProxy(String boUrl, String cookieDomain, boolean secure) {
        this(builder(boUrl).cookieDomain(cookieDomain).secureCookie(secure));
    }

    private AuthProxy(Builder b) {
        this.bo = b.bo;
        this.timeout = b.timeout;
        this.healthCheck = b.healthCheck;
        this.cookie = new AuthFormHandler.CookiePolicy(b.cookieDomain, b.secure);
        this.client = BackOfficeClientFactory.create("auth-proxy", bo, b.tls, timeout, timeout.multipliedBy(2), 8);
        BackOfficeClientFactory.startPlain(client, "the auth proxy of " + bo);
    }

    /**
     * Starts a builder.
     *
     * @param boUrl the BO's base URL
     * @return a builder with the defaults: no cookie domain, non-secure cookie, 10 s timeout, no health check
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, is not http(s) or has no host
     */
    public static Builder builder(String boUrl) {
        return new Builder(BackOfficeUrl.parse(boUrl));
    }

    /**
     * @param flash records messages for the next page
     * @return the handler for {@code POST /login}
     */
    public Handler loginHandler(Flash flash) {
        return handler(AuthAction.LOGIN, flash);
    }

    /**
     * @param flash records messages for the next page
     * @return the handler for {@code POST /register}
     */
    public Handler registerHandler(Flash flash) {
        return handler(AuthAction.REGISTER, flash);
    }

    /**
     * @param flash records messages for the next page
     * @return the handler for {@code POST /forgot-password}
     */
    public Handler forgotPasswordHandler(Flash flash) {
        return handler(AuthAction.FORGOT_PASSWORD, flash);
    }

    /**
     * @param flash records messages for the next page
     * @return the handler for {@code POST /reset-password}
     */
    public Handler resetPasswordHandler(Flash flash) {
        return handler(AuthAction.RESET_PASSWORD, flash);
    }

    private Handler handler(AuthAction action, Flash flash) {
        Objects.requireNonNull(flash, "flash");
        if (closed.get()) {
            throw new IllegalStateException("this AuthProxy is closed");
        }
        return new AuthFormHandler(action, client, bo, timeout, healthCheck, cookie, flash::set);
    }

    /** Stops the HTTP client; handlers answer with the unavailable flash afterwards. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("stopping the auth-proxy client of {}", bo, e);
        }
    }

    @Override
    public String toString() {
        return "AuthProxy{" + bo + '}';
    }

    /** Options of an {@link AuthProxy}. Not thread-safe. */
    @Deprecated
    public static final class Builder {
        private final BackOfficeUrl bo;
        private Optional<String> cookieDomain = Optional.empty();
        private boolean secure;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Optional<BooleanSupplier> healthCheck = Optional.empty();
        private Optional<TlsSettings> tls = Optional.empty();

        private Builder(BackOfficeUrl bo) {
            this.bo = bo;
        }

        /**
         * @param domain the session cookie's {@code Domain}, e.g. {@code shop.example}; null or
         *     empty for a host-only cookie
         * @return this builder
         * @throws IllegalArgumentException if it is not a host name
         */
        public Builder cookieDomain(String domain) {
            if (domain == null || domain.isEmpty()) {
                this.cookieDomain = Optional.empty();
            } else if (domain.length() <= 253 && DOMAIN.matcher(domain).matches()) {
                this.cookieDomain = Optional.of(domain);
            } else {
                throw new IllegalArgumentException("cookie domain '" + domain + "' is not a host name");
            }
            return this;
        }

        /**
         * @param secure whether the session cookie carries {@code Secure}; set it when the front
         *     office is served over https
         * @return this builder
         */
        public Builder secureCookie(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * @param timeout the time allowed for the BO to answer, connection included; default 10 s
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param check says whether the BO is reachable; when it says no, handlers fail fast
         * @return this builder
         */
        public Builder healthCheck(BooleanSupplier check) {
            this.healthCheck = Optional.of(Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Shares a running health checker: handlers fail fast while it reports the BO down.
         * The checker is not closed by the proxy.
         *
         * @param checker the checker
         * @return this builder
         */
        public Builder healthChecker(BOHealthChecker checker) {
            Objects.requireNonNull(checker, "checker");
            return healthCheck(checker::healthy);
        }

        /**
         * @param settings TLS settings for an https BO (e.g. the pinned CA)
         * @return this builder
         */
        public Builder tls(TlsSettings settings) {
            this.tls = Optional.of(Objects.requireNonNull(settings, "tls"));
            return this;
        }

        /**
         * Builds the proxy and starts its HTTP client.
         *
         * @return the proxy; close it when done
         * @throws IllegalArgumentException if TLS settings are given for an http URL
         */
        public AuthProxy build() {
            return new AuthProxy(this);
        }
    }
}
