package dev.dbsync.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import dev.dbsync.watch.internal.SourceFileCheck;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Watches a SQLite database and runs a {@link ChangeHandler} once per round of changes.
 *
 * <p>Detection misses nothing: a {@link ChangeDetector} ({@code PRAGMA data_version} by
 * default) is read every {@code interval} on a dedicated read-only connection, so commits
 * through any other connection or process are seen; and {@link #nudge()} — wired to the
 * application's own connections by {@link #attachTo(Connection)} — wakes the watcher at once
 * for a commit made in this JVM. A change seen while the handler runs causes another round
 * afterwards, and a failed round is retried, so the last write is always handled.
 *
 * <p>A watcher built on a file ({@link #builder(Path)}) also follows the file itself, with
 * {@code stat} calls only: when the path is replaced (renamed over, deleted and recreated) it
 * reopens its connection and runs a round; while the path is gone it runs no round and reports
 * it ({@link WatchStats#sourceError()}) until the file returns; and it cross-checks its
 * connection: when the file or its {@code -wal} moves (size, modification time) and the
 * connection sees no commit ({@code PRAGMA data_version}, whatever the detector) for
 * {@value #SILENT_POLLS_BEFORE_REOPEN} polls and at least a second, it reopens its connection
 * and runs a round ({@link WatchStats#reopens()}). A checkpoint without a write moves the file
 * too: the round it costs finds nothing new. That last case is what a connection whose POSIX
 * locks were dropped (another descriptor of the file closed in this process) looks like once a
 * writer deleted the {@code -wal} it reads: it would never see a change again.
 *
 * <p>Debounce: two rounds start at least {@code debounce} apart. An isolated change is handled
 * at once; a burst of changes is coalesced into one more round after the window.
 *
 * <pre>{@code
 * try (DatabaseWatcher w = DatabaseWatcher.builder(Path.of("bo.db"))
 *         .onChange(round -> publisher.publish())
 *         .build()) {
 *     w.start();
 *     w.attachTo(appConnection);   // optional: commits in this JVM publish without waiting
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. The watcher owns one daemon thread named {@code dbsync-watch-<n>}.
 */
public final class DatabaseWatcher implements AutoCloseable {
    /** Default poll interval, 200 ms. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);
    /** Default debounce window, 200 ms. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);

    /**
     * Polls (and at least one second) during which the file may move while the connection sees
     * no commit, before a reopen.
     */
    public static final int SILENT_POLLS_BEFORE_REOPEN = 5;

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatcher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * After a nudge that shows no change yet, look again after these pauses (about 4 s in all):
     * the commit hook fires before the commit is visible, and on a loaded machine the
     * committing thread may stall for far longer than a few milliseconds in between.
     */
    private static final long[] NUDGE_RECHECK_MILLIS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};

    /** Opens the watcher's dedicated connection. */
    @FunctionalInterface
    public interface ConnectionFactory {
        /**
         * @return a new connection to the watched database; the watcher closes it
         * @throws SQLException if it cannot be opened
         */
        Connection open() throws SQLException;
    }

    private final String name;
    private final ConnectionFactory connections;
    private final ChangeDetector detector;
    private final ChangeHandler handler;
    private final long intervalNanos;
    private final long debounceNanos;
    private final boolean runAtStart;
    /** Null when the watcher was built on a connection factory: there is no file to follow. */
    private final SourceFileCheck file;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Condition roundDone = lock.newCondition();
    private boolean nudged;
    private boolean started;
    private boolean closed;
    private long completedRounds;
    private Thread thread;

    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadNanos = new AtomicLong();
    private volatile SeenChange lastChange;

    /** When a change was last seen, on the wall clock and on the monotonic one. */
    private record SeenChange(Instant at, long nanos) {
    }

    private DatabaseWatcher(Builder b) {
        this.name = b.name;
        this.connections = b.connections;
        this.detector = b.detector;
        this.handler = b.handler;
        this.intervalNanos = b.interval.toNanos();
        this.debounceNanos = b.debounce.toNanos();
        this.runAtStart = b.runAtStart;
        this.file = b.file == null ? null : new SourceFileCheck(b.name, b.file, SILENT_POLLS_BEFORE_REOPEN);
    }

    /**
     * A builder watching a database file through a read-only connection of its own.
     *
     * @param database the SQLite database file
     * @return the builder
     */
    public static Builder builder(Path database) {
        Objects.requireNonNull(database, "database");
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        String url = "jdbc:sqlite:" + database.toAbsolutePath();
        return new Builder(() -> config.createConnection(url), database.getFileName().toString(), database);
    }

    /**
     * A builder watching through connections from {@code factory}. The connection must not be
     * used for writes by anyone else ({@code PRAGMA data_version} ignores a connection's own
     * commits).
     *
     * @param factory opens the dedicated connection
     * @return the builder
     */
    public static Builder builder(ConnectionFactory factory) {
        return new Builder(Objects.requireNonNull(factory, "factory"), "database", null);
    }

    /**
     * Starts the watcher thread. Idempotent.
     *
     * @throws IllegalStateException if the watcher was closed
     */
    public void start() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("watcher of " + name + " is closed");
            }
            if (started) {
                return;
            }
            started = true;
            // the baseline is read here, on the caller's thread, so that every commit made
            // after start() returns is seen as a change
            Connection connection = null;
            Long baseline = null;
            try {
                SourceFileCheck.Finding found = checkFile();
                if (found != SourceFileCheck.Finding.WENT_MISSING) {
                    if (file != null) {
                        file.opening();
                    }
                    connection = connections.open();
                    baseline = read(connection);
                }
            } catch (SQLException | IOException e) {
                errors.incrementAndGet();
                LOG.warn("watcher of {}: cannot read the change detector at start, will retry: {}", name, e.getMessage());
                closeQuietly(connection);
                connection = null;
            }
            Connection first = connection;
            Long firstValue = baseline;
            thread = new Thread(() -> loop(first, firstValue), "dbsync-watch-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Signals a possible change, e.g. a commit made in this JVM: the watcher checks the
     * detector at once instead of at the next poll. Cheap and non-blocking enough to call from
     * a commit hook.
     */
    public void nudge() {
        lock.lock();
        try {
            nudged = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Nudges this watcher on every commit made through {@code connection} (a sqlite-jdbc
     * connection of the application, to the watched database).
     *
     * @param connection the application's connection
     * @return a handle that detaches the listener when closed
     * @throws IllegalArgumentException if the connection is not a sqlite-jdbc connection
     */
    public AutoCloseable attachTo(Connection connection) {
        SQLiteConnection sqlite;
        try {
            sqlite = connection.unwrap(SQLiteConnection.class);
        } catch (SQLException e) {
            throw new IllegalArgumentException("not a sqlite-jdbc connection: " + connection, e);
        }
        SQLiteCommitListener listener = new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                nudge();
            }

            @Override
            public void onRollback() {
                // nothing changed
            }
        };
        sqlite.addCommitListener(listener);
        return () -> sqlite.removeCommitListener(listener);
    }

    /** @return the number of rounds the handler completed successfully */
    public long version() {
        lock.lock();
        try {
            return completedRounds;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code version} rounds have completed.
     *
     * @param version the round count to wait for
     * @param timeout how long to wait at most
     * @return true if reached, false on timeout or when the watcher closed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean waitForVersion(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (completedRounds < version) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                roundDone.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** @return the counters and state at this moment */
    public WatchStats stats() {
        long n = reloads.get();
        SeenChange seen = lastChange;
        return new WatchStats(checks.get(), changes.get(), errors.get(), n,
                n == 0 ? Duration.ZERO : Duration.ofNanos(reloadNanos.get() / n),
                file == null ? 0 : file.reopens(), file == null ? 0 : file.replacements(),
                Optional.ofNullable(seen).map(SeenChange::at),
                Optional.ofNullable(seen).map(c -> Duration.ofNanos(System.nanoTime() - c.nanos())),
                file == null ? Optional.empty() : file.sourceError());
    }

    /**
     * Stops the watcher: waits for a running round to finish (at most 10 s) and closes the
     * dedicated connection. Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wake.signalAll();
            roundDone.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("watcher of {}: a round is still running after 10 s; leaving its thread behind", name);
            }
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code deadline} (System.nanoTime) or a nudge or close; returns whether nudged. */
    private boolean await(long deadline, boolean wakeOnNudge) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && !(wakeOnNudge && nudged)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wake.awaitNanos(left);
            }
            boolean n = nudged;
            nudged = false;
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void loop(Connection firstConnection, Long baseline) {
        Connection connection = firstConnection;
        Long last = baseline;
        Long lastDataVersion = null;
        // no baseline means the database could not be read at start: run a round once it can
        boolean dirty = runAtStart || baseline == null;
        long nextRoundAllowed = System.nanoTime();
        try {
            while (!isClosed()) {
                long now = System.nanoTime();
                long deadline = dirty ? Math.max(now, nextRoundAllowed) : now + intervalNanos;
                boolean nudge = await(deadline, !dirty);
                if (isClosed()) {
                    break;
                }
                try {
                    SourceFileCheck.Finding found = checkFile();
                    if (found != SourceFileCheck.Finding.PRESENT) {
                        // replaced or gone: the connection reads a file no longer at the path
                        closeQuietly(connection);
                        connection = null;
                        last = null;
                        lastDataVersion = null;
                        dirty = true;
                    }
                    if (found == SourceFileCheck.Finding.WENT_MISSING || found == SourceFileCheck.Finding.STILL_MISSING) {
                        // no round until it returns, and no busier than one stat per interval
                        nextRoundAllowed = System.nanoTime() + intervalNanos;
                        continue;
                    }
                    if (connection == null) {
                        if (file != null) {
                            file.opening();
                        }
                        connection = connections.open();
                    }
                    boolean firstReading = last == null;
                    long value = read(connection);
                    boolean changed = !firstReading && value != last;
                    if (!changed && last != null && nudge && !dirty) {
                        // a commit hook fires just before the commit becomes visible: look again briefly
                        for (long ms : NUDGE_RECHECK_MILLIS) {
                            await(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms), false); // ends early on close
                            if (isClosed()) {
                                break;
                            }
                            long again = read(connection);
                            if (again != value) {
                                value = again;
                                changed = true;
                                break;
                            }
                        }
                    }
                    last = value;
                    if (changed) {
                        changes.incrementAndGet();
                        sawChange();
                        dirty = true;
                    }
                    // the cross-check asks whether the connection sees commits at all: data_version,
                    // not a detector that ignores some writes on purpose (user_version, MAX(id)); the
                    // file's stamp is taken again after a reading that saw a commit, or a connection's first
                    boolean seen = changed || firstReading;
                    if (file != null && detector != ChangeDetector.DATA_VERSION) {
                        long v = ChangeDetector.DATA_VERSION.read(connection);
                        seen = lastDataVersion == null || v != lastDataVersion;
                        lastDataVersion = v;
                    }
                    if (file != null && file.stale(seen)) {
                        closeQuietly(connection);
                        connection = null;
                        last = null;
                        lastDataVersion = null;
                        sawChange();
                        dirty = true;
                        continue; // the round runs on the new connection's first reading
                    }
                } catch (SQLException | IOException e) {
                    long n = errors.incrementAndGet();
                    if (n == 1 || n % 100 == 0) {
                        LOG.warn("watcher of {}: cannot read the change detector ({} errors so far): {}", name, n,
                                e.getMessage());
                    }
                    closeQuietly(connection);
                    connection = null;
                    // readings of a new connection are not comparable with the old one's, and
                    // a change may have slipped by during the outage: run a round once it reads again
                    last = null;
                    lastDataVersion = null;
                    dirty = true;
                    // and not before an interval: retrying at once would spin on a database that stays unreadable
                    nextRoundAllowed = System.nanoTime() + intervalNanos;
                    continue;
                }
                if (dirty && System.nanoTime() >= nextRoundAllowed) {
                    dirty = !runRound();
                    long gap = dirty ? Math.max(debounceNanos, intervalNanos) : debounceNanos;
                    nextRoundAllowed = System.nanoTime() + gap;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(connection);
        }
    }

    /** Polls the watched file, when there is one; a file replaced or back is a change seen. */
    private SourceFileCheck.Finding checkFile() throws IOException {
        if (file == null) {
            return SourceFileCheck.Finding.PRESENT;
        }
        SourceFileCheck.Finding found = file.poll();
        if (found == SourceFileCheck.Finding.REPLACED || found == SourceFileCheck.Finding.RETURNED) {
            sawChange();
        }
        return found;
    }

    private void sawChange() {
        lastChange = new SeenChange(Instant.now(), System.nanoTime());
    }

    private long read(Connection connection) throws SQLException {
        checks.incrementAndGet();
        return detector.read(connection);
    }

    /** @return true when the round succeeded */
    private boolean runRound() {
        long round;
        lock.lock();
        try {
            round = completedRounds + 1;
        } finally {
            lock.unlock();
        }
        long start = System.nanoTime();
        try {
            handler.onChange(round);
        } catch (Exception | LinkageError e) {
            errors.incrementAndGet();
            LOG.warn("watcher of {}: round {} failed, retrying: {}", name, round, e.toString());
            return false;
        }
        reloadNanos.addAndGet(System.nanoTime() - start);
        reloads.incrementAndGet();
        lock.lock();
        try {
            completedRounds = round;
            roundDone.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the watcher connection failed", e);
            }
        }
    }

    /** Builds a {@link DatabaseWatcher}; not thread-safe. */
    public static final class Builder {
        private final ConnectionFactory connections;
        private final Path file;
        private String name;
        private ChangeDetector detector = ChangeDetector.DATA_VERSION;
        private ChangeHandler handler;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration debounce = DEFAULT_DEBOUNCE;
        private boolean runAtStart;

        private Builder(ConnectionFactory connections, String name, Path file) {
            this.connections = connections;
            this.name = name;
            this.file = file;
        }

        /** @param d the change detector (default {@link ChangeDetector#DATA_VERSION}) @return this builder */
        public Builder detector(ChangeDetector d) {
            this.detector = Objects.requireNonNull(d, "detector");
            return this;
        }

        /** @param h what to run on each round of changes (required) @return this builder */
        public Builder onChange(ChangeHandler h) {
            this.handler = Objects.requireNonNull(h, "handler");
            return this;
        }

        /** @param d how often the detector is polled (default 200 ms) @return this builder */
        public Builder interval(Duration d) {
            this.interval = d;
            return this;
        }

        /** @param d minimum time between the starts of two rounds (default 200 ms; zero allowed) @return this builder */
        public Builder debounce(Duration d) {
            this.debounce = d;
            return this;
        }

        /** @param run whether to run a first round right after start (default false) @return this builder */
        public Builder runAtStart(boolean run) {
            this.runAtStart = run;
            return this;
        }

        /** @param n a name for logs, e.g. the database file (default: the file name) @return this builder */
        public Builder name(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        /**
         * @return the watcher, not yet started
         * @throws IllegalArgumentException if no handler is set, the interval is not positive
         *     or the debounce is negative
         */
        public DatabaseWatcher build() {
            if (handler == null) {
                throw new IllegalArgumentException("a watcher needs a change handler (onChange)");
            }
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(debounce, "debounce");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("watch interval must be positive, got " + interval);
            }
            if (debounce.isNegative()) {
                throw new IllegalArgumentException("debounce must not be negative, got " + debounce);
            }
            return new DatabaseWatcher(this);
        }
    }
}
