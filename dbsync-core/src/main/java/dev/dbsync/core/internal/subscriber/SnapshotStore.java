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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
 * the file: the committed meta, else the pending one (a crash after the rename). Every state a
 * crash can leave matches one of them, so a file that matches neither (or lies beside no meta)
 * was not written here: it is refused and left untouched, with its metas, unless asked to adopt
 * it; a file that is not SQLite is never served.
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
     * always refused. A database whose size and SHA-256 match neither the committed nor the
     * pending meta (a meta left by an earlier install, a file copied in by hand; an unreadable
     * meta matches nothing) is refused the same way, or with {@code adopt} served as version 0
     * under a new meta replacing the stale ones. Metas beside a missing database are left as
     * they are (the first install replaces them) and nothing is served.
     *
     * @param adopt whether a SQLite database found without a matching meta of ours is served as
     *     version 0
     * @return what to serve, if anything
     * @throws DatabaseFileException if the file is not SQLite ({@code NOT_SQLITE}), has no meta
     *     of ours ({@code NOT_OURS}) or matches none of its metas ({@code META_MISMATCH}) and
     *     {@code adopt} is false, or fails its check when adopted ({@code CORRUPT}); the file and
     *     its metas are then untouched
     * @throws UncheckedIOException if the directory cannot be read or written
     */
    public Recovery recover(boolean adopt) {
        ServedFile file = null;
        boolean served = false;
        try {
            Files.createDirectories(dir);
            removeStaleTemps();
            FoundMeta committed = FoundMeta.read(committedMeta);
            FoundMeta pending = FoundMeta.read(pendingMeta);
            if (!Files.exists(db)) {
                if (committed.exists() || pending.exists()) {
                    // a crash before the first rename, or a database removed by hand: the metas are kept
                    // (the next install replaces them), never deleted on a guess
                    String note = "the database does not exist but " + describe(committed, pending) + " do; "
                            + "starting empty and leaving them, the first snapshot replaces them";
                    LOG.warn("{}: {}", db, note);
                    return new Recovery(Optional.empty(), Optional.empty(), note);
                }
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
            if (committed.matches(hash, size)) {
                Files.deleteIfExists(pendingMeta);
                served = true;
                return new Recovery(committed.snapshot, Optional.of(file), "");
            }
            if (pending.matches(hash, size)) {
                ServedSnapshot p = pending.snapshot.orElseThrow();
                LOG.warn("{} is the snapshot of the pending meta (version {}, {}): a swap was interrupted after "
                        + "its rename; committing that meta", db, p.meta().version(), p.meta().shortHash());
                MetaFile.write(committedMeta, p);
                Files.deleteIfExists(pendingMeta);
                served = true;
                return new Recovery(pending.snapshot, Optional.of(file), "");
            }
            // every state an install can leave matches one of the metas (see install): this file is not ours
            if (!adopt) {
                throw refusal(hash, size, committed, pending);
            }
            Recovery adopted = adopt(hash, size, file, committed, pending);
            served = true;
            return adopted;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the database " + db + ": " + e.getMessage(), e);
        } finally {
            if (file != null && !served) {
                // no SQLite connection of ours is open on it (quick_check's has closed)
                file.release();
            }
        }
    }

    private DatabaseFileException refusal(String hash, long size, FoundMeta committed, FoundMeta pending) {
        if (!committed.exists() && !pending.exists()) {
            return new DatabaseFileException(db, DatabaseFileException.Problem.NOT_OURS, db + " exists but was not "
                    + "written by dbsync (there is no " + committedMeta.getFileName() + " beside it); it is left as it "
                    + "is. To serve it until the first snapshot replaces it, start with --adopt (adoptExisting(true)); "
                    + "otherwise move it away or give the subscriber another file.", null);
        }
        return new DatabaseFileException(db, DatabaseFileException.Problem.META_MISMATCH, db + " (SHA-256 "
                + hash.substring(0, 12) + ", " + size + " bytes) matches none of the metas beside it ("
                + describe(committed, pending) + "): dbsync did not write this file (a meta left by an earlier "
                + "install, a database copied in by hand); the file and the meta are left as they are. To serve "
                + "the file as version 0, replacing the meta, start with --adopt (adoptExisting(true)); otherwise "
                + "remove the file and its meta, or give the subscriber another file.", null);
    }

    private static String describe(FoundMeta committed, FoundMeta pending) {
        StringBuilder b = new StringBuilder();
        for (FoundMeta m : List.of(committed, pending)) {
            if (m.exists()) {
                b.append(b.length() == 0 ? "" : "; ").append(m.describe());
            }
        }
        return b.toString();
    }

    /** Serves a database found without a meta of ours (or under a stale one) as version 0, when asked to. */
    private Recovery adopt(String hash, long size, ServedFile file, FoundMeta committed, FoundMeta pending)
            throws IOException {
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
        Files.deleteIfExists(pendingMeta);
        if (committed.exists() || pending.exists()) {
            LOG.warn("adopting {}, which matched none of its metas ({}): replaced by a version 0 meta", db,
                    describe(committed, pending));
        }
        LOG.info("adopted the existing database {} ({} bytes, {}): serving it as version 0", db, size,
                meta.shortHash());
        return new Recovery(Optional.of(found), Optional.of(file), "");
    }

    /**
     * A meta file as found at start.
     *
     * @param file the meta file
     * @param snapshot what it holds, when it exists and can be read
     * @param unreadable why it exists but cannot be read, or empty
     */
    private record FoundMeta(Path file, Optional<ServedSnapshot> snapshot, String unreadable) {
        static FoundMeta read(Path file) {
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                return new FoundMeta(file, Optional.empty(), "it is a directory, not a meta file");
            }
            try {
                return new FoundMeta(file, MetaFile.read(file), "");
            } catch (RuntimeException e) {
                LOG.warn("the meta file {} cannot be read: {}", file, e.getMessage());
                return new FoundMeta(file, Optional.empty(), "it cannot be read: " + e.getMessage());
            }
        }

        boolean exists() {
            return snapshot.isPresent() || !unreadable.isEmpty();
        }

        boolean matches(String hash, long size) {
            return snapshot.map(s -> s.meta().hash().equals(hash) && s.meta().size() == size).orElse(false);
        }

        String describe() {
            return snapshot.map(s -> file.getFileName() + " says version " + s.meta().version() + ", SHA-256 "
                    + s.meta().shortHash() + ", " + s.meta().size() + " bytes")
                    .orElseGet(() -> file.getFileName() + " is unusable: " + unreadable);
        }
    }

    /**
     * What {@link #recover(boolean)} found.
     *
     * @param served the snapshot to serve, if any
     * @param file the open database file when one is served (one reference, for the data source)
     * @param problem what was odd at start without refusing it (metas kept beside a missing database), or empty
     */
    public record Recovery(Optional<ServedSnapshot> served, Optional<ServedFile> file, String problem) {
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
