package dev.dbsync.core.internal.subscriber;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;

/**
 * A pooled, read-only {@link DataSource} over a database file that is replaced, never
 * modified: connections are opened with {@code immutable=1} (no locks, no journal).
 *
 * <p>How readers survive a swap (Linux and other POSIX systems): SQLite opens the file when a
 * connection is opened and reads through that file descriptor afterwards. A swap renames a
 * new file over the path; the old inode lives on, unchanged, as long as a descriptor refers to
 * it. So a borrowed connection keeps reading the old snapshot, whole, until it is closed; a
 * connection opened after the swap opens the new file. Each connection is tagged with the
 * generation of the file it opened; opening (path lookup) and the rename are mutually
 * exclusive, so the tag is always right. Idle connections of an old generation are closed at
 * the swap, borrowed ones when they are returned; when the last one closes the kernel frees
 * the old file. (On Windows an open file cannot be renamed over: not supported.)
 *
 * <p>Each generation's file is held open by its {@link ServedFile}, opened before any
 * connection opened it (at start, or on the received temp file before its verification): each
 * physical connection holds a reference on the file it opened, so that descriptor closes only
 * after the last connection to that file has closed, and no Java close ever drops SQLite's
 * POSIX locks on a file connections of this process still have open.
 *
 * <p>Thread-safe. {@link #close()} closes idle connections and makes later borrows fail;
 * connections already borrowed stay usable until their holders close them.
 */
public final class SwapAwareDataSource implements DataSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SwapAwareDataSource.class);

    private final Path db;
    private final int maxIdle;
    private final ReentrantReadWriteLock pathLock = new ReentrantReadWriteLock();
    private final Deque<Pooled> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long generation;
    /** The file at the path now, one reference of which this data source holds; guarded by {@link #pathLock}. */
    private ServedFile current;
    private volatile int loginTimeout;

    /**
     * @param db the database path
     * @param maxIdle how many idle connections to keep
     */
    public SwapAwareDataSource(Path db, int maxIdle) {
        this.db = db.toAbsolutePath();
        this.maxIdle = maxIdle;
    }

    /**
     * @param file a database file
     * @return a sqlite-jdbc URL opening it as an immutable URI filename
     */
    static String immutableUrl(Path file) {
        return "jdbc:sqlite:file:" + file.toAbsolutePath().toUri().getRawPath() + "?immutable=1";
    }

    /**
     * Serves the file found at the path at start.
     *
     * @param file the file at the path, whose reference this data source takes over
     */
    void serve(ServedFile file) {
        ServedFile old;
        pathLock.writeLock().lock();
        try {
            old = current;
            current = file;
        } finally {
            pathLock.writeLock().unlock();
        }
        if (old != null) {
            old.release();
        }
    }

    /** @return one more reference on the file served now, empty when none; the caller releases it */
    Optional<ServedFile> retainCurrent() {
        pathLock.readLock().lock();
        try {
            return Optional.ofNullable(current).map(ServedFile::retain);
        } finally {
            pathLock.readLock().unlock();
        }
    }

    /**
     * Renames a new file over the database with no connection opening meanwhile, then moves to
     * a new generation and closes the idle connections of the old one.
     *
     * @param next the renamed file, opened before any connection opened it; on success this
     *     data source takes over the caller's reference
     * @param move the rename
     * @throws IOException if the rename fails (the generation is then unchanged, and the caller
     *     keeps its reference)
     */
    void swap(ServedFile next, SnapshotStore.FileMove move) throws IOException {
        ServedFile old;
        pathLock.writeLock().lock();
        try {
            move.move();
            generation++;
            old = current;
            current = next;
        } finally {
            pathLock.writeLock().unlock();
        }
        if (old != null) {
            old.release();
        }
        int evicted = 0;
        for (Pooled p : idle) {
            if (p.generation != generation && idle.remove(p)) {
                p.closePhysical();
                evicted++;
            }
        }
        LOG.debug("database generation {}: closed {} idle connections of older generations", generation, evicted);
    }

    /** @return the current generation (incremented by each swap) */
    public long generation() {
        return generation;
    }

    /** @return how many physical connections are open (idle or borrowed, any generation) */
    public int openConnections() {
        return open.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed.get()) {
            throw new SQLException("the subscriber's data source is closed");
        }
        Pooled p;
        while ((p = idle.pollFirst()) != null) {
            if (p.generation == generation && p.isValid()) {
                return p.borrow();
            }
            p.closePhysical();
        }
        return openNew().borrow();
    }

    private Pooled openNew() throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setBusyTimeout(1000);
        pathLock.readLock().lock();
        try {
            if (current == null) {
                throw new SQLException("the subscriber serves no database " + (closed.get() ? "any more" : "yet"));
            }
            ServedFile file = current.retain();
            try {
                Connection c = cfg.createConnection(immutableUrl(db));
                open.incrementAndGet();
                return new Pooled(c, generation, file);
            } catch (SQLException | RuntimeException e) {
                file.release();
                throw e;
            }
        } finally {
            pathLock.readLock().unlock();
        }
    }

    private void giveBack(Pooled p) {
        boolean keep = !closed.get() && p.generation == generation && idle.size() < maxIdle;
        if (keep) {
            try {
                if (!p.physical.getAutoCommit()) {
                    p.physical.rollback();
                    p.physical.setAutoCommit(true);
                }
            } catch (SQLException e) {
                keep = false;
            }
        }
        if (keep) {
            idle.addFirst(p);
            if (closed.get() || p.generation != generation) {
                // raced with close() or a swap: do not leave it behind
                if (idle.remove(p)) {
                    p.closePhysical();
                }
            }
        } else {
            p.closePhysical();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    /**
     * Closes idle connections; borrowed ones close when returned, and the served file's
     * descriptor with the last of them. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Pooled p;
            while ((p = idle.poll()) != null) {
                p.closePhysical();
            }
            serve(null);
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("logging goes through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    /** One physical connection, the generation of the file it opened and a reference on that file. */
    private final class Pooled {
        final Connection physical;
        final long generation;
        private final ServedFile file;
        private final AtomicBoolean physicallyClosed = new AtomicBoolean();

        Pooled(Connection physical, long generation, ServedFile file) {
            this.physical = physical;
            this.generation = generation;
            this.file = file;
        }

        boolean isValid() {
            try {
                return !physical.isClosed();
            } catch (SQLException e) {
                return false;
            }
        }

        Connection borrow() {
            Lease lease = new Lease(this);
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, lease);
        }

        void closePhysical() {
            if (physicallyClosed.compareAndSet(false, true)) {
                open.decrementAndGet();
                try {
                    physical.close();
                } catch (SQLException e) {
                    LOG.debug("closing a pooled connection failed: {}", e.getMessage());
                } finally {
                    // after SQLite closed its descriptor: the last connection to a file closes ours
                    file.release();
                }
            }
        }
    }

    /** One borrow of a pooled connection: {@code close()} gives it back, once. */
    private final class Lease implements InvocationHandler {
        private final Pooled pooled;
        private final AtomicBoolean returned = new AtomicBoolean();

        Lease(Pooled pooled) {
            this.pooled = pooled;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (returned.compareAndSet(false, true)) {
                        giveBack(pooled);
                    }
                    return null;
                case "isClosed":
                    return returned.get() || pooled.physical.isClosed();
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "SwapAwareConnection[generation " + pooled.generation + (returned.get() ? ", returned]" : "]");
                default:
                    break;
            }
            if (returned.get()) {
                throw new SQLException("connection is closed");
            }
            try {
                return method.invoke(pooled.physical, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
