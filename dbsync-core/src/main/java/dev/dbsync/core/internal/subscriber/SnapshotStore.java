package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.IntegrityException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.DatabaseFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The files of a served database: {@code <db>}, the committed meta {@code <db>.meta.json},
 * the pending meta {@code <db>.meta.pending.json} written just before a rename, and receive
 * temp files {@code .<db>.recv-<uuid>.tmp}, all in the database's directory (so the rename is
 * atomic).
 *
 * <p>Install order: temp fsynced and verified → pending meta durable → rename over the
 * database → directory fsync → committed meta replaced, pending removed. At start,
 * {@link #recover(boolean)} serves the database only under a meta whose size and SHA-256 match
 * the file: the committed meta, else the pending one (a crash after the rename); a file that
 * matches neither is moved aside and nothing is served; a file without a meta of ours is
 * served only when asked to adopt it, a file that is not SQLite never.
 *
 * <p>Not thread-safe: the subscriber serializes installs.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    private final Path db;
    private final Path dir;
    private final Path committedMeta;
    private final Path pendingMeta;
    private final String tempPrefix;
    private final Consumer<SwapStep> hook;

    /**
     * @param db the served database path
     * @param hook called after each durable step (tests stop the swap there); no-op in production
     */
    public SnapshotStore(Path db, Consumer<SwapStep> hook) {
        this.db = db.toAbsolutePath();
        this.dir = this.db.getParent();
        String name = this.db.getFileName().toString();
        this.committedMeta = dir.resolve(name + ".meta.json");
        this.pendingMeta = dir.resolve(name + ".meta.pending.json");
        this.tempPrefix = "." + name + ".recv-";
        this.hook = hook;
    }

    /** @return the database path */
    public Path database() {
        return db;
    }

    /** @return the directory holding the database */
    public Path directory() {
        return dir;
    }

    /** @return the committed meta file */
    public Path committedMetaFile() {
        return committedMeta;
    }

    /**
     * Removes stale temp files and finds what can be served. The database is first opened as a
     * {@link ServedFile}, before any SQLite connection of ours opens it: its header is checked
     * and its hash computed through that descriptor, which then stays open for as long as the
     * file is served (reading a file with Java I/O before SQLite opens it, and closing after
     * SQLite closed it, drops no lock).
     *
     * <p>A file at the path that dbsync did not write is never served, moved or overwritten
     * unless asked: without a meta of ours beside it, it is refused, or with {@code adopt}
     * served as version 0 (after {@code PRAGMA quick_check}); a file that is not SQLite is
     * always refused. A database under a meta of ours that matches neither the committed nor
     * the pending meta is moved aside and nothing is served.
     *
     * @param adopt whether a SQLite database found without a meta of ours is served as version 0
     * @return what to serve, if anything
     * @throws DatabaseFileException if the file is not SQLite ({@code NOT_SQLITE}), has no meta
     *     of ours and {@code adopt} is false ({@code NOT_OURS}), or fails its check when adopted
     *     ({@code CORRUPT}); the file is then untouched
     * @throws UncheckedIOException if the directory cannot be read or written
     */
    public Recovery recover(boolean adopt) {
        ServedFile file = null;
        boolean served = false;
        try {
            Files.createDirectories(dir);
            removeStaleTemps();
            Optional<ServedSnapshot> committed = readQuietly(committedMeta);
            Optional<ServedSnapshot> pending = readQuietly(pendingMeta);
            if (!Files.exists(db)) {
                if (committed.isPresent() || pending.isPresent()) {
                    LOG.warn("meta files exist but the database {} does not; removing them", db);
                }
                Files.deleteIfExists(pendingMeta);
                Files.deleteIfExists(committedMeta);
                return new Recovery(Optional.empty(), Optional.empty(), "");
            }
            file = ServedFile.open(db);
            if (!file.hasSqliteHeader()) {
                throw new DatabaseFileException(db, DatabaseFileException.Problem.NOT_SQLITE, db + " is not a "
                        + "SQLite database (it does not start with \"SQLite format 3\"); it is left as it is. Move "
                        + "it away or give the subscriber another file.", null);
            }
            String hash = file.sha256();
            long size = file.size();
            if (committed.isPresent() && matches(committed.get(), hash, size)) {
                Files.deleteIfExists(pendingMeta);
                served = true;
                return new Recovery(committed, Optional.of(file), "");
            }
            if (pending.isPresent() && matches(pending.get(), hash, size)) {
                LOG.warn("{} is the snapshot of the pending meta (version {}, {}): a swap was interrupted after "
                        + "its rename; committing that meta", db, pending.get().meta().version(),
                        pending.get().meta().shortHash());
                MetaFile.write(committedMeta, pending.get());
                Files.deleteIfExists(pendingMeta);
                served = true;
                return new Recovery(pending, Optional.of(file), "");
            }
            if (committed.isEmpty() && pending.isEmpty()) {
                Recovery adopted = adopt(hash, size, adopt, file);
                served = true;
                return adopted;
            }
            Path aside = dir.resolve(db.getFileName() + ".mismatch-" + Instant.now().getEpochSecond());
            String note = "the database's SHA-256 " + hash.substring(0, 12) + " (" + size + " bytes) matches no "
                    + "persisted meta (committed " + committed.map(s -> s.meta().shortHash()).orElse("none")
                    + ", pending " + pending.map(s -> s.meta().shortHash()).orElse("none") + "); moved it to "
                    + aside + " and serve nothing until the next snapshot";
            LOG.error("{}: {}", db, note);
            Files.move(db, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(pendingMeta);
            Files.deleteIfExists(committedMeta);
            MetaFile.syncDirectory(dir);
            return new Recovery(Optional.empty(), Optional.empty(), note);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the database " + db + ": " + e.getMessage(), e);
        } finally {
            if (file != null && !served) {
                // no SQLite connection of ours is open on it (quick_check's has closed)
                file.release();
            }
        }
    }

    /** Serves a database found without a meta of ours as version 0, when asked to. */
    private Recovery adopt(String hash, long size, boolean adopt, ServedFile file) throws IOException {
        if (!adopt) {
            throw new DatabaseFileException(db, DatabaseFileException.Problem.NOT_OURS, db + " exists but was not "
                    + "written by dbsync (there is no " + committedMeta.getFileName() + " beside it); it is left as it "
                    + "is. To serve it until the first snapshot replaces it, start with --adopt (adoptExisting(true)); "
                    + "otherwise move it away or give the subscriber another file.", null);
        }
        try {
            quickCheck(db);
        } catch (IntegrityException e) {
            throw new DatabaseFileException(db, DatabaseFileException.Problem.CORRUPT, db + " cannot be adopted: "
                    + e.getMessage() + "; it is left as it is. Repair it or move it away.", e);
        }
        SnapshotMeta meta = new SnapshotMeta(0, hash, size, Files.getLastModifiedTime(db).toInstant()
                .getEpochSecond(), false);
        ServedSnapshot found = new ServedSnapshot(meta, 0);
        MetaFile.write(committedMeta, found);
        LOG.info("adopted the existing database {} ({} bytes, {}): serving it as version 0", db, size,
                meta.shortHash());
        return new Recovery(Optional.of(found), Optional.of(file), "");
    }

    /**
     * What {@link #recover(boolean)} found.
     *
     * @param served the snapshot to serve, if any
     * @param file the open database file when one is served (one reference, for the data source)
     * @param problem a description of a mismatch resolved by moving a file aside, or empty
     */
    public record Recovery(Optional<ServedSnapshot> served, Optional<ServedFile> file, String problem) {
    }

    private static Optional<ServedSnapshot> readQuietly(Path file) {
        try {
            return MetaFile.read(file);
        } catch (RuntimeException e) {
            LOG.warn("ignoring an unreadable meta file: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean matches(ServedSnapshot s, String hash, long size) {
        return s.meta().hash().equals(hash) && s.meta().size() == size;
    }

    private void removeStaleTemps() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if ((n.startsWith(tempPrefix) && n.endsWith(".tmp"))
                        || n.equals(committedMeta.getFileName() + ".tmp") || n.equals(pendingMeta.getFileName() + ".tmp")) {
                    LOG.info("removing the stale temp file {}", p);
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * @return a new, not yet existing temp file path beside the database
     */
    public Path newTempFile() {
        return dir.resolve(tempPrefix + UUID.randomUUID() + ".tmp");
    }

    /** Reports a durable step to the hook. */
    void step(SwapStep s) {
        hook.accept(s);
    }

    /**
     * Runs {@code PRAGMA quick_check} on a file opened read-only and immutable.
     *
     * @param file the database file
     * @throws IntegrityException if the file is not a sound SQLite database
     */
    public static void quickCheck(Path file) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        try (Connection c = cfg.createConnection(SwapAwareDataSource.immutableUrl(file));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            String first = rs.next() ? rs.getString(1) : "no result";
            if (!"ok".equals(first)) {
                throw new IntegrityException("PRAGMA quick_check of " + file.getFileName() + " failed: " + first, null);
            }
        } catch (SQLException e) {
            throw new IntegrityException("PRAGMA quick_check of " + file.getFileName() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Installs a verified temp file as the served database.
     *
     * @param temp the fsynced, verified temp file
     * @param next the snapshot it holds
     * @param rename runs the rename (the data source wraps it so no connection opens meanwhile)
     * @throws IOException if a step fails; the old database is then still served
     */
    public void install(Path temp, ServedSnapshot next, DatabaseRename rename) throws IOException {
        MetaFile.write(pendingMeta, next);
        step(SwapStep.PENDING_META_WRITTEN);
        rename.run(() -> Files.move(temp, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
        step(SwapStep.RENAMED);
        MetaFile.syncDirectory(dir);
        step(SwapStep.DIRECTORY_SYNCED);
        MetaFile.write(committedMeta, next);
        Files.deleteIfExists(pendingMeta);
        step(SwapStep.META_COMMITTED);
    }

    /** Runs the rename of a temp file over the database. */
    @FunctionalInterface
    public interface DatabaseRename {
        /**
         * @param move the move itself
         * @throws IOException if the move fails
         */
        void run(FileMove move) throws IOException;
    }

    /** A file move. */
    @FunctionalInterface
    public interface FileMove {
        /** @throws IOException if the move fails */
        void move() throws IOException;
    }

    /**
     * Hashes a file through its {@link ServedFile}: the descriptor this process already holds on
     * that inode if it serves it, else one opened for the hash. Call it only on a file no SQLite
     * connection of this process may have open except through a held {@code ServedFile} (the
     * publisher's save path: its own file, which no SQLite connection opens once renamed in).
     *
     * @param file a file
     * @return its lowercase hex SHA-256
     * @throws IOException if it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        ServedFile f = ServedFile.open(file);
        try {
            return f.sha256();
        } finally {
            f.release();
        }
    }
}
