package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.DatabaseFileException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Exclusive use of a database file by one subscriber or one publisher's save path, in this
 * process or any other: an OS lock ({@link FileChannel#tryLock()}) on the separate file
 * {@code <db>.lock} beside it, never on the database itself (SQLite's own POSIX locks live on
 * the database; a second descriptor there, closed, would drop them).
 *
 * <p>The lock file holds a line naming its holder (role and process id) for the messages of
 * those refused. It is left in place on release: deleting it would let a process that opened
 * the old file and one that created a new one both believe they hold the lock. A crashed
 * holder leaves it behind unlocked, which is fine: OS locks die with their process.
 *
 * <p>Within one JVM, {@code FileChannel} locks are per process: a second {@code tryLock} on
 * the same file throws {@link OverlappingFileLockException}, and closing <em>any</em> channel
 * of the file releases the OS lock held through another. So the locks this JVM holds are
 * also kept in a table that is checked before the lock file is opened at all. Thread-safe.
 */
public final class DatabaseLock implements AutoCloseable {
    /** Lock files this JVM holds → who holds them. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();
    /**
     * Channels that must never be closed: opened on a lock file that this JVM locks through a
     * channel not of this class; closing them would release that lock.
     */
    private static final List<FileChannel> NEVER_CLOSED = new CopyOnWriteArrayList<>();

    private final Path database;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private DatabaseLock(Path database, Path lockFile, FileChannel channel, FileLock lock) {
        this.database = database;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param database a database file
     * @return its lock file, {@code <database>.lock}
     */
    public static Path lockFileOf(Path database) {
        Path db = database.toAbsolutePath();
        return db.resolveSibling(db.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code database}, creating its directory and lock file if needed.
     *
     * @param database the database file (it need not exist)
     * @param role who takes it, for the messages of those refused ("subscriber", "publisher")
     * @return the held lock; {@link #close()} releases it
     * @throws DatabaseFileException ({@link DatabaseFileException.Problem#IN_USE}) if another
     *     subscriber or publisher, in this process or another, holds it
     * @throws UncheckedIOException if the directory or the lock file cannot be created
     */
    public static DatabaseLock acquire(Path database, String role) {
        Path db = database.toAbsolutePath().normalize();
        Path lockFile;
        try {
            Files.createDirectories(db.getParent());
            // one key per directory however it is spelled (symbolic links, "..")
            lockFile = db.getParent().toRealPath().resolve(db.getFileName() + ".lock");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + db + ": " + e.getMessage(), e);
        }
        String holder = role + " (process " + ProcessHandle.current().pid() + ")";
        String inThisProcess = HELD.putIfAbsent(lockFile, holder);
        if (inThisProcess != null) {
            throw inUse(db, lockFile, "the " + inThisProcess + " in this JVM");
        }
        FileChannel ch = null;
        boolean acquired = false;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                // locked in this JVM outside this class: keep the channel open, or the lock goes
                NEVER_CLOSED.add(ch);
                ch = null;
                throw inUse(db, lockFile, "another part of this JVM");
            }
            if (lock == null) {
                // another process holds it; this process holds no lock on the file, so closing is harmless
                String other = readHolder(ch);
                throw inUse(db, lockFile, other.isEmpty() ? "another process" : "the " + other);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            acquired = true;
            return new DatabaseLock(db, lockFile, ch, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        } finally {
            if (!acquired) {
                if (ch != null) {
                    closeQuietly(ch);
                }
                HELD.remove(lockFile);
            }
        }
    }

    private static DatabaseFileException inUse(Path db, Path lockFile, String holder) {
        return new DatabaseFileException(db, DatabaseFileException.Problem.IN_USE, db + " is in use: its lock "
                + lockFile + " is held by " + holder + ". Stop that subscriber or publisher first, or give this one "
                + "another file.", null);
    }

    private static String readHolder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(200);
            ch.read(buf, 0);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing was written that matters
        }
    }

    /** @return the locked database */
    public Path database() {
        return database;
    }

    /** @return the lock file */
    public Path lockFile() {
        return lockFile;
    }

    /** Releases the lock (the file stays). Idempotent. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(lockFile);
    }
}
