package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.api.RejectReason;
import dev.dbsync.api.Dbsync;
import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.internal.subscriber.SubscriberConfig;
import dev.dbsync.core.internal.subscriber.SubscriberEngine;
import dev.dbsync.core.internal.subscriber.SwapStep;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The front office's side of replication: listens for snapshot pushes (protocol v2, and v1 from
 * older publishers), verifies each one (size, SHA-256, {@code PRAGMA quick_check}), refuses
 * replays, rollbacks and snapshots older than {@code maxAge}, and swaps the local read-only
 * database atomically while readers keep working.
 *
 * <pre>{@code
 * try (Subscriber sub = Subscriber.builder()
 *         .dbPath(Path.of("db/public.db"))
 *         .listen(new InetSocketAddress("0.0.0.0", 9443))
 *         .tls(TlsSettings.mutualServer(Path.of("fo.pem"), Path.of("fo.key"), Path.of("ca.pem")))
 *         .maxAge(Duration.ofHours(1))
 *         .build()) {
 *     sub.onSwap(() -> log.info("now serving version {}", sub.version()));
 *     sub.start();
 *     DataSource db = sub.db().orElseThrow(); // once a snapshot is served
 * }
 * }</pre>
 *
 * <p>Durability: a snapshot is received into a temp file in the database's directory,
 * fsynced, verified, renamed over the database, the directory fsynced, then its meta
 * (version, hash, size, timestamp) persisted beside the database as {@code <db>.meta.json}.
 * A crash at any moment leaves the complete old or the complete new database with matching
 * meta; at start stale temp files are removed and the database is served only under a meta
 * whose hash matches the file (a file matching none is moved aside and reported in
 * {@link #status()}).
 *
 * <p>Ownership: the subscriber never adopts or destroys a file it did not write. A database
 * found at the path without a meta of ours is refused unless {@link Builder#adoptExisting(boolean)}
 * asks to serve it as version 0; a file that is not SQLite is refused and never renamed. One
 * subscriber or publisher at a time uses a file: {@link #start()} takes an OS lock on
 * {@code <db>.lock} beside it (released by {@link #close()}, or by the OS when the process dies).
 * The served file is read with Java I/O only through one descriptor opened before SQLite opens
 * it and closed after the last connection to it closed (POSIX would drop SQLite's locks
 * otherwise).
 *
 * <p>Thread-safe. Swaps are serialized; {@link #onSwap(Runnable)} callbacks run synchronously
 * on the receiving thread, in registration order, before the publisher is acknowledged.
 */
public final class Subscriber implements AutoCloseable {
    /** Default stall timeout: a sender silent this long is cut off. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** Default number of connections served at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default number of transfers received at once; more are answered "busy". */
    public static final int DEFAULT_MAX_CONCURRENT_RECEIVES = 4;
    /** Default free disk space that must remain after receiving a snapshot, 64 MiB. */
    public static final long DEFAULT_MIN_FREE_SPACE = 64L << 20;

    private final SubscriberEngine engine;
    private final AtomicBoolean started = new AtomicBoolean();

    private Subscriber(SubscriberConfig config) {
        this.engine = new SubscriberEngine(config);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes the database's lock file ({@code <db>.lock}), serves the database found at the path
     * (if its meta checks out, or it is adopted), then starts listening. On failure nothing is
     * held and the database is untouched.
     *
     * @return this subscriber
     * @throws IllegalStateException if already started
     * @throws DatabaseFileException if another subscriber or publisher uses the file
     *     ({@code IN_USE}), the file is not SQLite ({@code NOT_SQLITE}), it has no meta of ours
     *     ({@code NOT_OURS}) or matches none of its metas ({@code META_MISMATCH}) and
     *     {@link Builder#adoptExisting(boolean)} was not asked, or it fails
     *     its check when adopted ({@code CORRUPT})
     * @throws dev.dbsync.api.TransportException if the address cannot be bound
     * @throws java.io.UncheckedIOException if the database's directory cannot be used
     */
    public Subscriber start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("subscriber already started");
        }
        engine.start();
        return this;
    }

    /**
     * @return the address the listener is bound to (the real port when 0 was asked for)
     * @throws IllegalStateException before {@link #start()}
     */
    public InetSocketAddress localAddress() {
        if (!started.get()) {
            throw new IllegalStateException("subscriber not started");
        }
        return engine.localAddress();
    }

    /**
     * Registers a callback run after each swap, synchronously and in registration order. A
     * failing callback is logged and does not undo the swap.
     *
     * @param callback the callback
     */
    public void onSwap(Runnable callback) {
        engine.onSwap(Objects.requireNonNull(callback, "callback"));
    }

    /**
     * The served database, read-only: a pooled {@link DataSource} whose new connections see
     * the latest snapshot, while connections already borrowed keep reading the snapshot they
     * opened until they are closed. The same instance is returned across swaps.
     *
     * @return the data source, empty before the first snapshot is served
     */
    public Optional<DataSource> db() {
        return engine.db();
    }

    /** @return the version of the served snapshot, 0 when none */
    public long version() {
        return engine.version();
    }

    /** @return the meta of the served snapshot, empty when none */
    public Optional<SnapshotMeta> servedMeta() {
        return engine.meta();
    }

    /**
     * @return unix seconds of the swap that installed the served snapshot (kept across
     *     restarts), 0 before any swap
     */
    public long lastSwapAt() {
        return engine.lastSwapAt();
    }

    /** @return time since the last swap, or a duration of −1 s before any swap */
    public Duration staleSince() {
        return engine.staleSince();
    }

    /**
     * Checks that reads can be served.
     *
     * @throws DbsyncException whose message starts with "no snapshot" when none has been
     *     received, or with "database unreachable" when the database cannot be queried
     */
    public void ping() {
        engine.ping();
    }

    /**
     * @return a JSON-ready map: {@code role}="subscriber", {@code last_version},
     *     {@code last_hash}, {@code has_db}, {@code last_swap_at}, {@code age_seconds} (once
     *     swapped), {@code last_reject_reason} and {@code last_reject_message} (after a
     *     refusal), {@code recovery_problem} (when a file was moved aside at start)
     */
    public Map<String, Object> status() {
        return engine.status();
    }

    /** @return the reason of the last refused snapshot, if any */
    public Optional<RejectReason> lastRejectReason() {
        return engine.lastReject();
    }

    /** Stops listening and closes idle read connections; borrowed ones stay usable. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    /** Builds a {@link Subscriber}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private Path dbPath;
        private InetSocketAddress listen;
        private TlsSettings tls;
        private Transport transport;
        private Duration maxAge;
        private long maxSnapshotSize = Dbsync.DEFAULT_MAX_SNAPSHOT_SIZE;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConcurrentReceives = DEFAULT_MAX_CONCURRENT_RECEIVES;
        private long minFreeSpace = DEFAULT_MIN_FREE_SPACE;
        private int maxIdleConnections = 16;
        private Object meterRegistry;
        private Consumer<SwapStep> swapHook = s -> { };
        private boolean adoptExisting;

        private Builder() {
        }

        /** @param path the served database file (its directory holds temp and meta files) @return this */
        public Builder dbPath(Path path) {
            this.dbPath = path;
            return this;
        }

        /** @param address the address to listen on; port 0 picks one @return this */
        public Builder listen(InetSocketAddress address) {
            this.listen = address;
            return this;
        }

        /** @param hostPort {@code host:port} to listen on @return this */
        public Builder listen(String hostPort) {
            Endpoint e = Endpoint.parse(hostPort);
            this.listen = new InetSocketAddress(e.host(), e.port());
            return this;
        }

        /** @param settings the listener's TLS settings @return this */
        public Builder tls(TlsSettings settings) {
            this.tls = settings;
            return this;
        }

        /** @param t the transport (default {@link Transports#preferred()}) @return this */
        public Builder transport(Transport t) {
            this.transport = t;
            return this;
        }

        /** @param age snapshots older than this (by their timestamp) are refused @return this */
        public Builder maxAge(Duration age) {
            this.maxAge = age;
            return this;
        }

        /** @param bytes the largest snapshot accepted (default 512 MiB) @return this */
        public Builder maxSnapshotSize(long bytes) {
            this.maxSnapshotSize = bytes;
            return this;
        }

        /** @param timeout a sender silent this long is cut off (default 30 s) @return this */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = timeout;
            return this;
        }

        /** @param n connections served at once (default 64) @return this */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /** @param n transfers received at once, more are answered "busy" (default 4) @return this */
        public Builder maxConcurrentReceives(int n) {
            this.maxConcurrentReceives = n;
            return this;
        }

        /**
         * @param bytes free disk space that must remain after a snapshot is received (default
         *     64 MiB); a snapshot that does not fit is refused before any byte is sent
         * @return this
         */
        public Builder minFreeSpace(long bytes) {
            this.minFreeSpace = bytes;
            return this;
        }

        /** @param n idle read connections kept by {@link #db()} (default 16) @return this */
        public Builder maxIdleConnections(int n) {
            this.maxIdleConnections = n;
            return this;
        }

        /**
         * Registers the subscriber's meters (swaps, rejects by reason, bytes received, receive
         * and verify durations, served version, staleness) on a Micrometer registry. Micrometer
         * is optional: without this call it is not needed at run time.
         *
         * @param registry the registry
         * @return this
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * Whether a SQLite database found at {@link #dbPath(Path)} without a meta of ours (no
         * {@code <db>.meta.json} beside it: another program wrote it) is served as version 0
         * until the first snapshot replaces it; likewise a database beside a meta that does not
         * describe it (a meta left by an earlier install), whose meta is then replaced. Default
         * false: such a file is refused at {@link Subscriber#start()} with a
         * {@link DatabaseFileException} ({@code NOT_OURS}, {@code META_MISMATCH}) and left
         * untouched with its meta, so that a mistyped path never serves, then overwrites, somebody
         * else's database. Once adopted, its meta is written and later starts need no option.
         * A file that is not SQLite is refused either way.
         *
         * @param adopt true to serve such a database
         * @return this
         */
        public Builder adoptExisting(boolean adopt) {
            this.adoptExisting = adopt;
            return this;
        }

        /** Test hook: called after each durable step of a swap. */
        Builder swapHook(Consumer<SwapStep> hook) {
            this.swapHook = hook;
            return this;
        }

        /**
         * @return the subscriber, not yet started
         * @throws IllegalArgumentException if a setting is missing or out of range
         * @throws dev.dbsync.api.TransportException if no transport was given and none is available
         */
        public Subscriber build() {
            if (dbPath == null || listen == null || tls == null) {
                throw new IllegalArgumentException("dbPath, listen address and tls are required");
            }
            if (!tls.hasCertificate()) {
                throw new IllegalArgumentException("the subscriber's TLS settings need a certificate and key");
            }
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
            }
            if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive, got " + stallTimeout);
            }
            if (maxSnapshotSize < 1 || maxConnections < 1 || maxConcurrentReceives < 1 || minFreeSpace < 0
                    || maxIdleConnections < 0) {
                throw new IllegalArgumentException("sizes and counts must be positive");
            }
            Transport t = transport != null ? transport : Transports.preferred();
            return new Subscriber(new SubscriberConfig(dbPath.toAbsolutePath(), listen, tls, t,
                    Optional.ofNullable(maxAge), maxSnapshotSize, stallTimeout, maxConnections, maxConcurrentReceives,
                    minFreeSpace, maxIdleConnections, meterRegistry, swapHook, adoptExisting));
        }
    }
}
