package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.RejectReason;
import dev.dbsync.core.internal.wire.Ack;
import dev.dbsync.core.internal.wire.Answer;
import dev.dbsync.core.internal.wire.Encoding;
import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.V1Frame;
import dev.dbsync.core.internal.wire.V2Frame;
import dev.dbsync.core.internal.wire.V2Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The running part of a subscriber: listens, decides, receives, verifies and swaps. See
 * {@link dev.dbsync.core.Subscriber} for the contract. Thread-safe.
 */
public final class SubscriberEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriberEngine.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Application error code sent when a stream is aborted for a protocol violation. */
    static final long PROTOCOL_ERROR_CODE = 0x5052;

    private final SubscriberConfig config;
    private final SnapshotStore store;
    private final SwapAwareDataSource dataSource;
    private final SubscriberMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final StallWatchdog watchdog;
    private final ReentrantLock swapLock = new ReentrantLock(true);
    private final Semaphore receives;
    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicReference<ServedSnapshot> served = new AtomicReference<>();
    private final List<Runnable> onSwap = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String recoveryProblem = "";
    private volatile RejectReason lastReject;
    private volatile String lastRejectMessage = "";
    private volatile TransportListener listener;
    private volatile DatabaseLock lock;

    /** @param config the validated settings */
    public SubscriberEngine(SubscriberConfig config) {
        this.config = config;
        this.store = new SnapshotStore(config.dbPath(), config.swapHook());
        this.dataSource = new SwapAwareDataSource(config.dbPath(), config.maxIdleConnections());
        this.metrics = SubscriberMetrics.create(config.meterRegistry(), this::version,
                () -> lastSwapAt() == 0 ? -1 : Math.max(0, Instant.now().getEpochSecond() - lastSwapAt()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dbsync-subscriber-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.watchdog = new StallWatchdog(scheduler, config.stallTimeout());
        this.receives = new Semaphore(config.maxConcurrentReceives());
    }

    /**
     * Takes the database's lock, recovers the files, then listens. On failure the lock is
     * released again.
     *
     * @return the bound address
     * @throws dev.dbsync.core.DatabaseFileException if the database is in use or refused
     */
    public java.net.InetSocketAddress start() {
        lock = DatabaseLock.acquire(store.database(), "subscriber");
        try {
            SnapshotStore.Recovery r = store.recover(config.adoptExisting());
            recoveryProblem = r.problem();
            r.file().ifPresent(dataSource::serve);
            r.served().ifPresent(s -> {
                served.set(s);
                LOG.info("serving {} version {} ({}, {} bytes)", store.database(), s.meta().version(),
                        s.meta().shortHash(), s.meta().size());
            });
            TransportOptions options = TransportOptions.builder().maxConnections(config.maxConnections()).build();
            listener = config.transport().listen(config.listenAddress(), config.tls(),
                    Dbsync.ACCEPTED_ALPN, options, this::handle);
        } catch (RuntimeException | Error e) {
            dataSource.close();
            lock.close();
            throw e;
        }
        LOG.info("subscriber for {} listening on {} ({})", store.database(), listener.localAddress(),
                config.transport().name());
        return listener.localAddress();
    }

    /** @param callback run after each swap, in registration order */
    public void onSwap(Runnable callback) {
        onSwap.add(callback);
    }

    /** Serves one inbound stream: v2 or v1 by its ALPN id. */
    void handle(InboundStream s) {
        String peer = String.valueOf(s.remoteAddress());
        boolean v2 = Dbsync.ALPN_V2.equals(s.negotiatedAlpn());
        try (StallWatchdog.Guard guard = watchdog.watch(s, peer)) {
            InputStream in = guard.input();
            SnapshotMeta meta;
            Offer offer = null;
            long offset;
            try {
                if (v2) {
                    byte[] body = V2Frame.read(in, V2Frame.OFFER, V2Frame.MAX_OFFER_LENGTH, 0);
                    offer = V2Json.decodeOffer(body, V2Frame.PREFIX_LENGTH);
                    meta = offer.meta();
                    offset = V2Frame.PREFIX_LENGTH + (long) body.length;
                } else {
                    meta = V1Frame.readHeader(in, Long.MAX_VALUE);
                    offset = V1Frame.headerLength(meta);
                }
            } catch (ProtocolException | IOException e) {
                refused(guard.fired() ? RejectReason.STALLED : RejectReason.PROTOCOL_ERROR,
                        "bad header from " + peer + ": " + e.getMessage(), null);
                s.abort(PROTOCOL_ERROR_CODE);
                return;
            }
            Decision d = decide(meta, offer);
            if (d.answer.action() != Answer.Action.SEND) {
                if (d.answer.action() == Answer.Action.SKIP) {
                    LOG.info("{} already served; skipping the push from {} ({})", describe(meta), peer, v2 ? "v2" : "v1");
                } else {
                    refused(d.answer.reason().orElseThrow(), d.answer.message(), meta);
                }
                if (v2) {
                    sendQuietly(s.output(), V2Frame.ANSWER, V2Json.encodeAnswer(d.answer));
                    closeQuietly(s.output());
                } else {
                    s.abort(PROTOCOL_ERROR_CODE);
                }
                return;
            }
            try (PageBase base = d.base) {
                SnapshotMeta wire = meta;
                if (v2) {
                    V2Frame.write(s.output(), V2Frame.ANSWER, V2Json.encodeAnswer(d.answer));
                    wire = meta.withCompressed(d.answer.encoding().orElseThrow() == Encoding.GZIP);
                }
                Ack ack = new SnapshotReception(this, guard, in, wire, offset, peer, base, s.output()).run();
                if (v2) {
                    sendQuietly(s.output(), V2Frame.ACK, V2Json.encodeAck(ack));
                    closeQuietly(s.output());
                }
            } catch (IOException e) {
                LOG.warn("push from {} failed: {}", peer, e.toString());
            } finally {
                receives.release();
                reservedBytes.addAndGet(-meta.size());
            }
        }
    }

    /** @param base the served database when the answer chose {@code pages}, else null */
    private record Decision(Answer answer, PageBase base) {
        Decision(Answer answer) {
            this(answer, null);
        }
    }

    /** Decides on an offer; on "send" a receive permit and the disk space are reserved. */
    private Decision decide(SnapshotMeta meta, Offer offer) {
        ServedSnapshot cur = served.get();
        long curVersion = cur == null ? 0 : cur.meta().version();
        String curHash = cur == null ? "" : cur.meta().hash();
        if (meta.size() > config.maxSnapshotSize()) {
            return reject(RejectReason.TOO_LARGE, "size " + meta.size() + " exceeds the maximum "
                    + config.maxSnapshotSize(), curVersion, curHash);
        }
        if (config.maxAge().isPresent()) {
            long age = Instant.now().getEpochSecond() - meta.timestamp();
            if (age > config.maxAge().get().getSeconds()) {
                return reject(RejectReason.TOO_OLD, "snapshot is " + age + " s old; the maximum age is "
                        + config.maxAge().get().getSeconds() + " s", curVersion, curHash);
            }
        }
        Encoding encoding = Encoding.IDENTITY;
        boolean pagesFirst = false;
        if (offer != null) {
            if (!Offer.FULL.equals(offer.payload())) {
                return reject(RejectReason.UNSUPPORTED, "payload kind '" + offer.payload() + "' is not supported",
                        curVersion, curHash);
            }
            // pages needs a served database: without one (or when the offer cannot be received
            // as pages) the next encoding of the publisher's list is chosen
            boolean pagesPossible = cur != null && PageBase.applies(offer);
            List<Encoding> usable = offer.encodings().stream().map(Encoding::fromWire).flatMap(Optional::stream)
                    .filter(e -> e != Encoding.PAGES || pagesPossible).distinct().toList();
            if (usable.isEmpty()) {
                return reject(RejectReason.UNSUPPORTED, "none of the encodings " + offer.encodings()
                        + " is supported" + (offer.encodings().contains(Encoding.PAGES.wire())
                        ? " ('pages' needs a served database with the offer's page size)" : ""), curVersion, curHash);
            }
            pagesFirst = usable.get(0) == Encoding.PAGES;
            encoding = pagesFirst ? usable.get(usable.size() > 1 ? 1 : 0) : usable.get(0);
        }
        if (cur != null && meta.hash().equals(curHash) && meta.version() >= curVersion) {
            return new Decision(Answer.skip(curVersion, curHash));
        }
        if (cur != null && meta.version() <= curVersion) {
            return reject(RejectReason.STALE_VERSION, "version " + meta.version() + " is not newer than the served "
                    + curVersion, curVersion, curHash);
        }
        if (!receives.tryAcquire()) {
            return reject(RejectReason.BUSY, config.maxConcurrentReceives() + " transfers are already being received",
                    curVersion, curHash);
        }
        long usable;
        try {
            usable = Files.getFileStore(store.directory()).getUsableSpace();
        } catch (IOException e) {
            usable = 0;
        }
        long reserved = reservedBytes.addAndGet(meta.size());
        if (usable - reserved < config.minFreeSpace()) {
            reservedBytes.addAndGet(-meta.size());
            receives.release();
            return reject(RejectReason.INSUFFICIENT_DISK, "needs " + meta.size() + " bytes plus a margin of "
                    + config.minFreeSpace() + " but " + Math.max(0, usable - reserved + meta.size())
                    + " are free", curVersion, curHash);
        }
        if (pagesFirst) {
            Optional<PageBase> base = dataSource.retainCurrent().flatMap(f -> PageBase.of(f, offer));
            if (base.isPresent()) {
                return new Decision(Answer.send(Encoding.PAGES, curVersion, curHash), base.get());
            }
            if (encoding == Encoding.PAGES) {
                reservedBytes.addAndGet(-meta.size());
                receives.release();
                return reject(RejectReason.UNSUPPORTED, "only 'pages' was offered, and the served database cannot be "
                        + "its base (page size or size differs)", curVersion, curHash);
            }
        }
        return new Decision(Answer.send(encoding, curVersion, curHash));
    }

    private static Decision reject(RejectReason r, String message, long curVersion, String curHash) {
        return new Decision(Answer.reject(r, message, curVersion, curHash));
    }

    void refused(RejectReason reason, String message, SnapshotMeta meta) {
        lastReject = reason;
        lastRejectMessage = message;
        metrics.rejected(reason);
        LOG.warn("refused {}: {}: {}", meta == null ? "a push" : describe(meta), reason.code(), message);
    }

    static String describe(SnapshotMeta meta) {
        return "snapshot version " + meta.version() + " (" + meta.shortHash() + ")";
    }

    private static void sendQuietly(OutputStream out, String tag, byte[] body) {
        try {
            V2Frame.write(out, tag, body);
        } catch (IOException e) {
            LOG.debug("could not send {}: {}", tag, e.toString());
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            LOG.debug("could not end the stream: {}", e.toString());
        }
    }

    // --- used by SnapshotReception -------------------------------------------------------

    SnapshotStore store() {
        return store;
    }

    SwapAwareDataSource dataSource() {
        return dataSource;
    }

    SubscriberMetrics metrics() {
        return metrics;
    }

    ReentrantLock swapLock() {
        return swapLock;
    }

    Optional<ServedSnapshot> current() {
        return Optional.ofNullable(served.get());
    }

    /** Records a swap (under the swap lock) and runs the callbacks in registration order. */
    void swapped(ServedSnapshot next) {
        served.set(next);
        metrics.swapped();
        for (Runnable r : onSwap) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("an onSwap callback failed after the swap to version {}", next.meta().version(), e);
            }
        }
    }

    // --- state ---------------------------------------------------------------------------

    /** @return the data source, once a snapshot is served */
    public Optional<DataSource> db() {
        return served.get() == null ? Optional.empty() : Optional.of(dataSource);
    }

    /** @return the served version, 0 when none */
    public long version() {
        ServedSnapshot s = served.get();
        return s == null ? 0 : s.meta().version();
    }

    /** @return the served meta */
    public Optional<SnapshotMeta> meta() {
        return Optional.ofNullable(served.get()).map(ServedSnapshot::meta);
    }

    /** @return unix seconds of the last swap, 0 when none */
    public long lastSwapAt() {
        ServedSnapshot s = served.get();
        return s == null ? 0 : s.swappedAt();
    }

    /** @return time since the last swap, or -1 s when none */
    public Duration staleSince() {
        long at = lastSwapAt();
        return at == 0 ? Duration.ofSeconds(-1) : Duration.ofSeconds(Math.max(0, Instant.now().getEpochSecond() - at));
    }

    /** @return the last reject reason */
    public Optional<RejectReason> lastReject() {
        return Optional.ofNullable(lastReject);
    }

    /** @return the bound address */
    public java.net.InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** Fails saying why the subscriber cannot serve reads. */
    public void ping() {
        ServedSnapshot s = served.get();
        if (s == null) {
            throw new DbsyncException("no snapshot: none has been received yet"
                    + (recoveryProblem.isEmpty() ? "" : " (at start: " + recoveryProblem + ")"));
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
            rs.next();
        } catch (SQLException e) {
            throw new DbsyncException("database unreachable: " + store.database() + ": " + e.getMessage(), e);
        }
    }

    /** @return the JSON-ready status */
    public Map<String, Object> status() {
        ServedSnapshot s = served.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "subscriber");
        m.put("last_version", s == null ? 0L : s.meta().version());
        m.put("last_hash", s == null ? "" : s.meta().hash());
        m.put("has_db", s != null);
        m.put("last_swap_at", lastSwapAt());
        if (lastSwapAt() != 0) {
            m.put("age_seconds", staleSince().getSeconds());
        }
        RejectReason r = lastReject;
        if (r != null) {
            m.put("last_reject_reason", r.code());
            m.put("last_reject_message", lastRejectMessage);
        }
        if (!recoveryProblem.isEmpty()) {
            m.put("recovery_problem", recoveryProblem);
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            TransportListener l = listener;
            if (l != null) {
                l.close();
            }
            scheduler.shutdownNow();
            dataSource.close();
            DatabaseLock held = lock;
            if (held != null) {
                held.close();
            }
        }
    }

}
