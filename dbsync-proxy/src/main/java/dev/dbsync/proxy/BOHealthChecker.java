package dev.dbsync.proxy;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.proxy.internal.BackOfficeClientFactory;
import dev.dbsync.proxy.internal.BackOfficeUrl;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pings the back office (BO) with {@code GET <boUrl>/health} at once and then every interval,
 * and caches whether it is reachable, so that auth handlers and health endpoints can fail fast
 * instead of waiting for a timeout on every request.
 *
 * <p>The BO counts as reachable when it answers with a status from 200 to 499 within the
 * timeout (a 4xx still proves it is up); a 5xx, a refused or reset connection, a TLS failure
 * or a timeout count as unreachable. {@link #healthy()} is {@code false} until the first check
 * has completed. Checks run one at a time on a daemon thread {@code dbsync-bo-health-<n>};
 * {@link #close()} stops them (idempotent) and keeps the last result. Thread-safe.
 *
 * <pre>{@code
 * try (BOHealthChecker health = new BOHealthChecker("https://bo.internal:8443", Duration.ofSeconds(10))) {
 *     if (!health.healthy()) { ... }
 *     Map<String, Object> status = health.status();   // for a /health endpoint of the front office
 * }
 * }</pre>
 */
public final class BOHealthChecker implements AutoCloseable {
    /** Default interval between checks: 10 s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Default timeout of one check: 5 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(BOHealthChecker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** The result of the checks so far; replaced as a whole after each check. */
    record State(boolean reachable, Optional<Instant> lastCheck, long latencyMs, long checks, long failures) {
    }

    private final BackOfficeUrl bo;
    private final Duration interval;
    private final Duration timeout;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private volatile State state = new State(false, Optional.empty(), 0, 0, 0);
    private volatile boolean closed;

    /**
     * Starts checking {@code boUrl + "/health"} now and every {@code interval}, with the
     * default timeout of 5 s.
     *
     * @param boUrl the BO's base URL, e.g. {@code https://bo.internal:8443}
     * @param interval the time between the end of a check and the start of the next; zero or
     *     negative for the default of 10 s
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, is not http(s) or
     *     has no host
     */
    public BOHealthChecker(String boUrl, Duration interval) {
        this(builder(boUrl).interval(interval));
    }

    private BOHealthChecker(Builder b) {
        this.bo = b.bo;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.client = BackOfficeClientFactory.create("bo-health-client", bo, b.tls, timeout, timeout.multipliedBy(2), 4);
        BackOfficeClientFactory.startPlain(client, "the health checker of " + bo);
        String threadName = "dbsync-bo-health-" + INSTANCES.incrementAndGet();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a builder for a checker with more options (timeout, TLS).
     *
     * @param boUrl the BO's base URL
     * @return a builder with the default options
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, is not http(s) or
     *     has no host
     */
    public static Builder builder(String boUrl) {
        return new Builder(BackOfficeUrl.parse(boUrl));
    }

    /** @return true if the last completed check reached the BO; false before the first check */
    public boolean healthy() {
        return state.reachable();
    }

    /**
     * A JSON-serialisable summary: {@code reachable} (Boolean), {@code last_check} (ISO-8601
     * String, absent before the first check), {@code latency_ms}, {@code check_count} and
     * {@code fail_count} (Long).
     *
     * @return an unmodifiable snapshot, in that key order
     */
    public Map<String, Object> status() {
        State s = state;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reachable", s.reachable());
        s.lastCheck().ifPresent(t -> m.put("last_check", t.toString()));
        m.put("latency_ms", s.latencyMs());
        m.put("check_count", s.checks());
        m.put("fail_count", s.failures());
        return java.util.Collections.unmodifiableMap(m);
    }

    /** @return the BO base URL being checked */
    public String backOfficeUrl() {
        return bo.base();
    }

    /** @return the interval between checks */
    public Duration interval() {
        return interval;
    }

    State state() {
        return state;
    }

    private void check() {
        if (closed) {
            return;
        }
        long start = System.nanoTime();
        boolean reachable;
        String why;
        try {
            CompletableFuture<Result> done = new CompletableFuture<>();
            client.newRequest(bo.resolve("/health")).method(HttpMethod.GET)
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send(done::complete);
            Result result = done.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
            reachable = result.isSucceeded() && status >= 200 && status < 500;
            why = result.isFailed() ? String.valueOf(result.getFailure()) : "status " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            reachable = false;
            why = e.toString();
        }
        long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        State before = state;
        state = new State(reachable, Optional.of(Instant.now()), latency, before.checks() + 1,
                before.failures() + (reachable ? 0 : 1));
        if (reachable && !before.reachable()) {
            LOG.info("back office {} is reachable ({} ms)", bo, latency);
        } else if (!reachable && (before.reachable() || before.checks() == 0)) {
            LOG.warn("back office {} is unreachable: {}", bo, why);
        }
    }

    /** Stops the checks and releases the HTTP client; the last result stays readable. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                LOG.warn("health checker of {} did not stop in time", bo);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("stopping the health-check client of {}", bo, e);
        }
    }

    @Override
    public String toString() {
        return "BOHealthChecker{" + bo + ", " + status() + '}';
    }

    /** Options of a {@link BOHealthChecker}. Not thread-safe. */
    public static final class Builder {
        private final BackOfficeUrl bo;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Optional<TlsSettings> tls = Optional.empty();

        private Builder(BackOfficeUrl bo) {
            this.bo = bo;
        }

        /**
         * @param interval time between checks; zero, negative or null for the default of 10 s
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = interval == null || interval.isNegative() || interval.isZero() ? DEFAULT_INTERVAL : interval;
            return this;
        }

        /**
         * @param timeout how long one check may take, connection included; default 5 s
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
         * @param settings TLS settings for an https BO (e.g. the pinned CA)
         * @return this builder
         */
        public Builder tls(TlsSettings settings) {
            this.tls = Optional.of(Objects.requireNonNull(settings, "tls"));
            return this;
        }

        /**
         * Starts the checker: the first check runs at once, in the background.
         *
         * @return the running checker; close it when done
         * @throws IllegalArgumentException if TLS settings are given for an http URL
         */
        public BOHealthChecker start() {
            return new BOHealthChecker(this);
        }
    }
}
