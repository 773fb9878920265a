package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.core.internal.subscriber.DatabaseLock;
import dev.dbsync.watch.DatabaseWatcher;
import dev.dbsync.watch.WatchStats;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The back office's side of replication: watches the source database, produces a filtered
 * snapshot at the save path on every change (and once at start), and delivers the newest
 * snapshot to every target the {@link TargetProvider} returns.
 *
 * <p>A snapshot whose hash equals the previous one is not a new version and is not pushed.
 * Versions strictly increase, across restarts and whatever the wall clock does (the last one
 * is persisted beside the save path). Delivery is tracked per target ({@link #deliveries()}):
 * a target that failed or is behind is retried with capped exponential backoff without
 * waiting for a new change, a new target gets the newest snapshot promptly, and a slow or dead
 * target never delays the others. Paused targets (strategy {@code noop}) receive nothing.
 *
 * <pre>{@code
 * try (Publisher pub = Publisher.builder(Path.of("bo.db"), spec, Path.of("public.db"))
 *         .targets(TargetProvider.of(Target.dbsync("fo-1", "fo1.internal:9443")))
 *         .tls(TlsSettings.mutualClient(ca, boCert, boKey))
 *         .build()) {
 *     pub.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Owns a watcher thread, a scheduler thread and a bounded pool of push threads.
 */
public final class Publisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    private final Path source;
    private final Path savePath;
    private final SavePath files;
    private final Path nextPath;
    private final SnapshotMaker maker;
    private final Builder config;
    private final Transport transport;
    private final PublishedMetaStore store;
    private final PublisherMetrics metrics;
    private final ScheduledExecutorService timer;
    private final DeliveryScheduler scheduler;
    private final DatabaseWatcher watcher;

    private final Object lock = new Object();
    private volatile SnapshotMeta last;
    private volatile String lastProduceError;
    private long sequence;
    /** The save path's lock, held from start to close; guarded by {@link #lock}. */
    private DatabaseLock saveLock;
    private boolean started;
    private boolean closed;

    private Publisher(Builder b, SnapshotMaker maker) {
        this.config = b;
        this.source = b.source;
        this.savePath = b.savePath;
        this.files = new SavePath(savePath);
        this.nextPath = files.next();
        this.maker = maker;
        this.transport = b.transport != null ? b.transport : Transports.preferred();
        this.store = new PublishedMetaStore(files, PublishedMetaStore.Origin.of(source, b.spec), b.clock);
        this.metrics = b.meterRegistry == null ? PublisherMetrics.NONE : new MicrometerPublisherMetrics(b.meterRegistry);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dbsync-publisher-timer");
            t.setDaemon(true);
            return t;
        });
        SnapshotPush push = new TransportSnapshotPush(transport, b.tls, b.transportOptions, b.compression,
                b.stallTimeout, timer);
        this.scheduler = new DeliveryScheduler(b.targets, push, b.maxParallelPushes, b.watchInterval,
                b.backoffBase, b.backoffCap, b.reconfirmInterval, metrics);
        this.watcher = DatabaseWatcher.builder(source).name(source.getFileName().toString())
                .interval(b.watchInterval).debounce(b.debounce).runAtStart(true).onChange(round -> produce())
                .build();
        metrics.watching(source.getFileName().toString(), watcher);
    }

    /**
     * Starts a builder.
     *
     * @param source the back-office database file (read-only access is enough)
     * @param spec what to publish
     * @param savePath where the latest snapshot is kept (the "save chaude"); its meta is kept
     *     beside it in {@code <savePath>.meta.json}. Never the source (checked at start); a file
     *     already there is replaced only if a publisher wrote it (its meta lies beside it)
     * @return the builder
     */
    public static Builder builder(Path source, FilterSpec spec, Path savePath) {
        return new Builder(source, spec, savePath);
    }

    /**
     * Restores the last snapshot from the save path, then starts watching and delivering: a
     * first snapshot is produced at once, so a new front office gets data without waiting for
     * a back-office write. A kept snapshot produced with another filter spec or from another
     * source (or whose meta does not say, written by an older dbsync) is never delivered: it
     * is removed, and the first snapshot delivered is one of the current spec. Idempotent.
     *
     * <p>The publisher writes nothing it does not own: a save path that is the source is
     * refused before anything is created, and a file at the save path is replaced only if a
     * publisher wrote it.
     *
     * @throws DbsyncException if the save path's directory cannot be used
     * @throws DatabaseFileException ({@code IS_SOURCE}) if the save path, or a file the
     *     publisher writes beside it, is the source database or one of its {@code -wal},
     *     {@code -shm}, {@code -journal} files (by path, symbolic or hard link); ({@code IN_USE})
     *     if another publisher or a subscriber, in this process or another, uses the save path
     *     (its lock file {@code <savePath>.lock} is held); ({@code NOT_OURS}) if a file is at the
     *     save path with no meta of a publisher beside it ({@code <savePath>.meta.json}): it is
     *     left untouched
     * @throws IllegalStateException if the publisher was closed
     */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("publisher of " + source + " is closed");
            }
            if (started) {
                return;
            }
            files.refuseSource(source); // before the lock file is created beside it
            if (Files.notExists(DatabaseLock.lockFileOf(savePath))) {
                files.refuseForeign(store.hasMeta()); // nor beside somebody else's file; a held lock says IN_USE
            }
            DatabaseLock held = DatabaseLock.acquire(savePath, "publisher");
            try {
                files.refuseForeign(store.hasMeta()); // under the lock: nobody else writes there now
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
            saveLock = held;
            started = true;
        }
        files.removeLeftovers();
        Optional<PublishedMetaStore.Kept> kept = store.load();
        Optional<String> stale = kept.flatMap(k -> k.staleFor(store.origin()));
        if (stale.isPresent()) {
            files.discard(kept.get().meta(), stale.get());
        } else if (kept.isPresent()) {
            last = kept.get().meta();
            scheduler.publish(PublishedSnapshot.open(savePath, last, sequence++));
            LOG.info("restored snapshot version {} ({}) from {}", last.version(), last.shortHash(), savePath);
        }
        scheduler.start();
        watcher.start();
    }

    /** One round: produce, compare, and publish when the content changed. Runs on the watcher thread. */
    private void produce() throws Exception {
        long started = System.nanoTime();
        SnapshotMeta meta;
        try {
            meta = maker.make(nextPath, store.nextVersion());
        } catch (Exception e) {
            lastProduceError = e.getMessage();
            LOG.warn("snapshot production from {} failed; front offices keep the last good snapshot: {}", source,
                    e.toString());
            throw e;
        }
        lastProduceError = null;
        long nanos = System.nanoTime() - started;
        SnapshotMeta previous = last;
        if (previous != null && previous.hash().equals(meta.hash())) {
            Files.deleteIfExists(nextPath);
            metrics.produced(nanos, meta.size(), false);
            LOG.debug("snapshot unchanged ({}), nothing to push", meta.shortHash());
            return;
        }
        meta = meta.withCompressed(config.compression);
        // the version is durable (pending meta) before any front office can see it; the file
        // itself is flushed while the pushes run: load() checks it against the metas at start
        store.savePending(meta);
        Files.move(nextPath, savePath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        last = meta;
        metrics.produced(nanos, meta.size(), true);
        LOG.info("published version {} ({}, {} bytes) in {} ms", meta.version(), meta.shortHash(), meta.size(),
                TimeUnit.NANOSECONDS.toMillis(nanos));
        scheduler.publish(PublishedSnapshot.open(savePath, meta, sequence++));
        store.flushAndSave(meta);
    }

    /**
     * Publishes commits made through {@code connection} at once, without waiting for the next
     * poll (an in-process trigger on the application's own sqlite-jdbc connection).
     *
     * @param connection a connection of the application to the source database
     * @return a handle that detaches the trigger when closed
     */
    public AutoCloseable attachTo(Connection connection) {
        return watcher.attachTo(connection);
    }

    /** @return the meta of the latest published snapshot, if any */
    public Optional<SnapshotMeta> lastMeta() {
        return Optional.ofNullable(last);
    }

    /** @return the delivery state of every known target */
    public List<DeliveryState> deliveries() {
        return scheduler.states();
    }

    /** @return the transport pushes go through */
    public Transport transport() {
        return transport;
    }

    /**
     * Waits until every active target serves the latest snapshot.
     *
     * @param timeout how long to wait at most
     * @return true when they all do; false on timeout (including when no snapshot was produced or
     *     no target is known by then)
     * @throws InterruptedException if interrupted
     */
    public boolean awaitDelivery(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (last == null) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return scheduler.awaitAll(last.hash(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /**
     * Checks that the source database can be read.
     *
     * @throws DbsyncException naming the database and the problem
     */
    public void ping() {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        if (!Files.isRegularFile(source)) {
            throw new DbsyncException("source database " + source + " does not exist");
        }
        try (Connection conn = c.createConnection("jdbc:sqlite:" + source.toAbsolutePath());
             Statement s = conn.createStatement()) {
            s.executeQuery("PRAGMA schema_version").close();
        } catch (SQLException e) {
            throw new DbsyncException("source database " + source + " is unreachable: " + e.getMessage(), e);
        }
    }

    /**
     * @return a JSON-ready summary: {@code role}="publisher", {@code last_snapshot} (the meta
     *     fields), {@code transport}, {@code targets} (per target: strategy, endpoint, acked
     *     version and hash, confirmation, {@code up_to_date} (the last contact confirmed the
     *     current snapshot), {@code confirmed_at} and {@code confirmed_age_seconds} (the last
     *     acknowledgement or re-confirmation), last attempt and error, consecutive failures), the
     *     watcher's counters and when it last saw a change ({@code watch.last_change}, epoch
     *     seconds, and {@code watch.last_change_age_ms}; absent before the first),
     *     {@code last_error} when the last production failed, and {@code source_error} when the
     *     source cannot be read now (gone, not a database)
     */
    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("role", "publisher");
        s.put("source", source.toString());
        s.put("transport", transport.name());
        SnapshotMeta meta = last;
        if (meta != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", meta.version());
            m.put("hash", meta.hash());
            m.put("size", meta.size());
            m.put("timestamp", meta.timestamp());
            m.put("compressed", meta.compressed());
            s.put("last_snapshot", m);
        }
        if (lastProduceError != null) {
            s.put("last_error", lastProduceError);
        }
        // no production runs while the source is gone: the watcher says so, and ping() says why
        // a source that is there cannot be read
        WatchStats w = watcher.stats();
        Optional<String> sourceError = w.sourceError();
        if (sourceError.isEmpty()) {
            try {
                ping();
            } catch (DbsyncException e) {
                sourceError = Optional.of(e.getMessage());
            }
        }
        sourceError.ifPresent(e -> s.put("source_error", e));
        scheduler.providerError().ifPresent(e -> s.put("target_provider_error", e));
        Map<String, Object> targets = new LinkedHashMap<>();
        for (DeliveryState d : scheduler.states()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("strategy", d.target().strategy());
            t.put("endpoint", d.target().endpoint());
            t.put("acked_version", d.ackedVersion());
            t.put("acked_hash", d.ackedHash());
            t.put("confirmed", d.confirmed());
            t.put("up_to_date", meta != null && d.serves(meta.hash()));
            d.confirmedAt().ifPresent(c -> {
                t.put("confirmed_at", c.getEpochSecond());
                t.put("confirmed_age_seconds", Math.max(0, Duration.between(c, Instant.now()).toSeconds()));
            });
            d.lastAttempt().ifPresent(a -> t.put("last_attempt", a.getEpochSecond()));
            d.lastError().ifPresent(e -> t.put("last_error", e));
            t.put("consecutive_failures", d.consecutiveFailures());
            if (d.inFlightVersion() >= 0) {
                t.put("in_flight_version", d.inFlightVersion());
            }
            targets.put(d.target().name(), t);
        }
        s.put("targets", targets);
        s.put("watch", watchStatus(w));
        return s;
    }

    private static Map<String, Object> watchStatus(WatchStats w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checks", w.checks());
        m.put("changes", w.changes());
        m.put("errors", w.errors());
        m.put("reloads", w.reloads());
        m.put("avg_reload_ms", w.averageReloadTime().toMillis());
        m.put("reopens", w.reopens());
        m.put("replacements", w.replacements());
        w.lastChange().ifPresent(t -> m.put("last_change", t.getEpochSecond()));
        w.sinceLastChange().ifPresent(d -> m.put("last_change_age_ms", d.toMillis()));
        w.sourceError().ifPresent(e -> m.put("source_missing", true));
        return m;
    }

    /**
     * Stops watching, cancels pushes in flight promptly and releases every resource. The save
     * path keeps the last complete snapshot and its meta. Idempotent.
     */
    @Override
    public void close() {
        boolean ownsSavePath;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ownsSavePath = saveLock != null; // a refused or never started publisher removes nothing
        }
        watcher.close();
        scheduler.close();
        timer.shutdownNow();
        try {
            if (ownsSavePath) {
                Files.deleteIfExists(nextPath);
            }
        } catch (IOException e) {
            LOG.debug("cannot remove {}", nextPath, e);
        }
        synchronized (lock) {
            if (saveLock != null) {
                saveLock.close();
            }
        }
    }

    /** Builds a {@link Publisher}; not thread-safe. */
    public static final class Builder {
        /** How long a target's acknowledgement is trusted before it is re-confirmed, by default: 30 s. */
        public static final Duration DEFAULT_RECONFIRM_INTERVAL = Duration.ofSeconds(30);

        private final Path source;
        private final FilterSpec spec;
        private final Path savePath;
        private TargetProvider targets;
        private TlsSettings tls;
        private Transport transport;
        private TransportOptions transportOptions = TransportOptions.defaults();
        private Duration watchInterval = DatabaseWatcher.DEFAULT_INTERVAL;
        private Duration debounce = DatabaseWatcher.DEFAULT_DEBOUNCE;
        private boolean compression;
        private int maxParallelPushes = 16;
        private Duration backoffBase = Duration.ofMillis(250);
        private Duration backoffCap = Duration.ofSeconds(30);
        private Duration stallTimeout = Duration.ofSeconds(30);
        private Duration reconfirmInterval = DEFAULT_RECONFIRM_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        private SnapshotMaker maker;

        private Builder(Path source, FilterSpec spec, Path savePath) {
            this.source = Objects.requireNonNull(source, "source");
            this.spec = Objects.requireNonNull(spec, "spec");
            this.savePath = Objects.requireNonNull(savePath, "savePath");
        }

        /** @param provider who to push to (required) @return this builder */
        public Builder targets(TargetProvider provider) {
            this.targets = Objects.requireNonNull(provider, "targets");
            return this;
        }

        /** @param settings the dialer's TLS settings: a pinned CA (and a client certificate for mutual TLS), or explicitly insecure (required) @return this builder */
        public Builder tls(TlsSettings settings) {
            this.tls = Objects.requireNonNull(settings, "tls");
            return this;
        }

        /** @param t the transport (default {@link Transports#preferred()}) @return this builder */
        public Builder transport(Transport t) {
            this.transport = Objects.requireNonNull(t, "transport");
            return this;
        }

        /** @param options transport tuning (default {@link TransportOptions#defaults()}) @return this builder */
        public Builder transportOptions(TransportOptions options) {
            this.transportOptions = Objects.requireNonNull(options, "transportOptions");
            return this;
        }

        /** @param d how often the source is polled and targets are refreshed (default 200 ms) @return this builder */
        public Builder watchInterval(Duration d) {
            this.watchInterval = Objects.requireNonNull(d, "watchInterval");
            return this;
        }

        /** @param d minimum time between two productions (default 200 ms) @return this builder */
        public Builder debounce(Duration d) {
            this.debounce = Objects.requireNonNull(d, "debounce");
            return this;
        }

        /** @param gzip whether payloads are gzip-compressed on the wire (default false) @return this builder */
        public Builder compression(boolean gzip) {
            this.compression = gzip;
            return this;
        }

        /** @param n how many pushes may run at once (default 16) @return this builder */
        public Builder maxParallelPushes(int n) {
            this.maxParallelPushes = n;
            return this;
        }

        /**
         * @param base first retry delay after a failure (default 250 ms), doubled per failure
         * @param cap longest retry delay (default 30 s); each delay gets ±50 % jitter
         * @return this builder
         */
        public Builder retryBackoff(Duration base, Duration cap) {
            this.backoffBase = Objects.requireNonNull(base, "base");
            this.backoffCap = Objects.requireNonNull(cap, "cap");
            return this;
        }

        /** @param d a push that makes no progress this long is aborted (default 30 s) @return this builder */
        public Builder stallTimeout(Duration d) {
            this.stallTimeout = Objects.requireNonNull(d, "stallTimeout");
            return this;
        }

        /**
         * @param d how long an acknowledgement is trusted: a target that last confirmed the current
         *     snapshot longer ago is offered it again, answers {@code skip} without payload if it
         *     still serves it, and gets it if it came back empty (default
         *     {@link #DEFAULT_RECONFIRM_INTERVAL}, 30 s)
         * @return this builder
         */
        public Builder reconfirmInterval(Duration d) {
            this.reconfirmInterval = Objects.requireNonNull(d, "reconfirmInterval");
            return this;
        }

        /** @param c the clock versions and timestamps are taken from (default UTC system clock) @return this builder */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** @param registry where to register meters (optional; requires micrometer-core) @return this builder */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        Builder maker(SnapshotMaker m) {
            this.maker = m;
            return this;
        }

        /**
         * @return the publisher, not yet started
         * @throws IllegalArgumentException if targets or TLS settings are missing or a value is out of range
         * @throws dev.dbsync.api.DbsyncException if the save path (or the {@code .next} file beside it)
         *     is the source or one of its {@code -wal}, {@code -shm}, {@code -journal} files
         * @throws dev.dbsync.api.TransportException if no transport is given and none is usable
         */
        public Publisher build() {
            if (targets == null) {
                throw new IllegalArgumentException("a publisher needs a target provider (targets)");
            }
            if (tls == null) {
                throw new IllegalArgumentException("a publisher needs TLS settings (tls): pin a CA, or use "
                        + "TlsSettings.insecureClient() for development only");
            }
            if (maxParallelPushes < 1) {
                throw new IllegalArgumentException("maxParallelPushes must be >= 1, got " + maxParallelPushes);
            }
            for (Duration d : List.of(watchInterval, backoffBase, backoffCap, stallTimeout, reconfirmInterval)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("durations must be positive, got " + d);
                }
            }
            if (debounce.isNegative()) {
                throw new IllegalArgumentException("debounce must not be negative, got " + debounce);
            }
            SnapshotMaker m = maker != null ? maker : FilteredSnapshots.maker(source, spec, clock);
            return new Publisher(this, m);
        }
    }
}
