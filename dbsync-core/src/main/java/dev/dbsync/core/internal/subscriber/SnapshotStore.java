package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.IntegrityException;
import dev.dbsync.api.SnapshotMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
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
 * {@link #recover()} serves the database only under a meta whose size and SHA-256 match the
 * file: the committed meta, else the pending one (a crash after the rename); a file that
 * matches neither is moved aside and nothing is served.
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
     * Removes stale temp files and finds what can be served.
     *
     * @return the served snapshot, or empty when nothing can be served
     * @throws UncheckedIOException if the directory cannot be read or written
     */
    public Recovery recover() {
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
                return new Recovery(Optional.empty(), "");
            }
            String hash = sha256(db);
            long size = Files.size(db);
            if (committed.isPresent() && matches(committed.get(), hash, size)) {
                Files.deleteIfExists(pendingMeta);
                return new Recovery(committed, "");
            }
            if (pending.isPresent() && matches(pending.get(), hash, size)) {
                LOG.warn("{} is the snapshot of the pending meta (version {}, {}): a swap was interrupted after "
                        + "its rename; committing that meta", db, pending.get().meta().version(),
                        pending.get().meta().shortHash());
                MetaFile.write(committedMeta, pending.get());
                Files.deleteIfExists(pendingMeta);
                return new Recovery(pending, "");
            }
            if (committed.isEmpty() && pending.isEmpty()) {
                quickCheck(db);
                SnapshotMeta meta = new SnapshotMeta(0, hash, size, Files.getLastModifiedTime(db).toInstant()
                        .getEpochSecond(), false);
                ServedSnapshot found = new ServedSnapshot(meta, 0);
                MetaFile.write(committedMeta, found);
                LOG.info("serving the existing database {} ({} bytes, {}) as version 0", db, size, meta.shortHash());
                return new Recovery(Optional.of(found), "");
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
            return new Recovery(Optional.empty(), note);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the database " + db + ": " + e.getMessage(), e);
        } catch (IntegrityException e) {
            Path aside = dir.resolve(db.getFileName() + ".corrupt-" + Instant.now().getEpochSecond());
            String note = "the existing database fails PRAGMA quick_check (" + e.getMessage() + "); moved it to " + aside;
            LOG.error("{}: {}", db, note);
            try {
                Files.move(db, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException io) {
                throw new UncheckedIOException(io);
            }
            return new Recovery(Optional.empty(), note);
        }
    }

    /**
     * What {@link #recover()} found.
     *
     * @param served the snapshot to serve, if any
     * @param problem a description of a mismatch resolved by moving a file aside, or empty
     */
    public record Recovery(Optional<ServedSnapshot> served, String problem) {
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
     * @param file a file
     * @return its lowercase hex SHA-256
     * @throws IOException if it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
