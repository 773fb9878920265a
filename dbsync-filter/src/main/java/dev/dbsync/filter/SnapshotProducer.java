package dev.dbsync.filter;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.filter.internal.SnapshotFile;
import dev.dbsync.filter.internal.SnapshotWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Produces filtered snapshots of a SQLite source database: a new, compact database file
 * holding exactly what a {@link FilterSpec} publishes and nothing else.
 *
 * <p>The source is never copied whole: a new database is created, the source attached
 * read-only, and inside one read transaction (a consistent point-in-time view; writers of a
 * WAL-mode source are not blocked) each published table is created from its original DDL and
 * filled with only its published rows and columns, every record rebuilt from the declared
 * columns (never copied as stored), its indexes built afterwards from those rows. Blanked
 * columns of partial tables hold NULL, or their type's zero value when NOT NULL ({@code 0},
 * {@code 0.0} or {@code ''}), and keep in the schema only their name, the name of their type's
 * affinity and NOT NULL; indexes and constraints are rebuilt except those mentioning a blanked
 * column; a foreign key to a table that is not published is dropped; no published statement
 * keeps its comments;
 * triggers are never copied; views are published only when listed and must compile against
 * the published tables. Names compare as SQLite compares them ({@link dev.dbsync.api.SqlName}).
 * Generated columns, WITHOUT ROWID, AUTOINCREMENT and STRICT tables are supported. Virtual
 * tables are written through their own SQL interface only: FTS3/FTS4/FTS5 and R*Tree tables
 * that store their own rows get their published rows; an external-content FTS4/FTS5 table is
 * published whole with its published content table and rebuilt from it in the snapshot;
 * contentless tables, read-only and unknown modules are refused with a {@link FilterException}.
 *
 * <p>The output is deterministic: the same source content and spec give byte-identical files
 * (tables in name order, rows in rowid / primary-key order, fixed page size and header
 * fields), so a write confined to unpublished data yields the same SHA-256. It uses
 * {@code journal_mode=DELETE}, has no free pages, and is written to a temporary file in the
 * destination's directory, synced, then renamed atomically over the destination: on any
 * error the previous snapshot is untouched and no temporary file remains.
 *
 * <pre>{@code
 * SnapshotProducer producer = SnapshotProducer.builder(Path.of("bo.db")).build();
 * ProductionReport report = producer.produce(Path.of("public.db"), spec, 42);
 * SnapshotMeta meta = report.meta();   // version 42, SHA-256, size, timestamp
 * }</pre>
 *
 * <p>Immutable and thread-safe; calls for different destinations may run concurrently,
 * calls for the same destination must not.
 */
public final class SnapshotProducer {
    /** The page size of produced snapshots unless set otherwise: 4096 bytes. */
    public static final int DEFAULT_PAGE_SIZE = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProducer.class);

    private final Path source;
    private final int pageSize;
    private final boolean integrityCheck;
    private final boolean durable;
    private final Clock clock;

    private SnapshotProducer(Builder b) {
        this.source = b.source;
        this.pageSize = b.pageSize;
        this.integrityCheck = b.integrityCheck;
        this.durable = b.durable;
        this.clock = b.clock;
    }

    /**
     * @param source path of the source SQLite database
     * @return a builder with default options
     */
    public static Builder builder(Path source) {
        return new Builder(source);
    }

    /** @return the source database path */
    public Path source() {
        return source;
    }

    /**
     * Produces a snapshot whose version is the current time in milliseconds.
     *
     * @param destination where the snapshot file goes (its directory must exist)
     * @param spec what to publish
     * @return the report
     * @throws FilterException if the spec is invalid or does not fit the source
     * @throws DbsyncException if the source cannot be read or the file cannot be written
     * @see #produce(Path, FilterSpec, long)
     */
    public ProductionReport produce(Path destination, FilterSpec spec) {
        return produce(destination, spec, clock.millis());
    }

    /**
     * Produces a snapshot of the source at {@code destination}, replacing any previous file
     * atomically.
     *
     * @param destination where the snapshot file goes (its directory must exist)
     * @param spec what to publish
     * @param version the version recorded in the returned {@link SnapshotMeta}
     * @return the meta, per-table row counts, size and elapsed time
     * @throws FilterException if the spec is invalid or does not fit the source (nothing is
     *     written then)
     * @throws DbsyncException if the destination is the source (see
     *     {@link #checkDestination(Path)}; nothing is written then), the source cannot be read
     *     or the file cannot be written
     */
    public ProductionReport produce(Path destination, FilterSpec spec, long version) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(spec, "spec");
        long started = System.nanoTime();
        FilterValidator.validate(spec);
        if (!Files.isRegularFile(source)) {
            throw new DbsyncException("source database " + source + " does not exist");
        }
        checkDestination(destination);
        Path target = destination.toAbsolutePath();
        Path temp = SnapshotFile.createTemp(target);
        try {
            List<TableReport> tables;
            try (Connection c = openDestination(temp)) {
                tables = SnapshotWriter.write(c, source, spec, pageSize).stream()
                        .map(t -> new TableReport(t.name(), t.published(), t.withheld())).toList();
                if (integrityCheck) {
                    SnapshotFile.checkIntegrity(c);
                }
            }
            long written = System.nanoTime();
            SnapshotFile.Sealed sealed = SnapshotFile.seal(temp, durable);
            long sealedAt = System.nanoTime();
            SnapshotFile.moveAtomically(temp, target, durable);
            LOG.debug("snapshot {}: database written in {} ms, hashed{} in {} ms, renamed in {} ms", target,
                    (written - started) / 1_000_000, durable ? " and synced" : "", (sealedAt - written) / 1_000_000,
                    (System.nanoTime() - sealedAt) / 1_000_000);
            SnapshotMeta meta = new SnapshotMeta(version, sealed.sha256(), sealed.size(),
                    clock.instant().getEpochSecond(), false);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            LOG.info("snapshot {} v{} produced: {} bytes, {} tables, sha256 {} in {} ms", target, version,
                    sealed.size(), tables.size(), meta.shortHash(), elapsed.toMillis());
            return new ProductionReport(meta, tables, sealed.size(), elapsed);
        } catch (SQLException e) {
            SnapshotFile.deleteQuietly(temp);
            throw new DbsyncException("cannot produce snapshot of " + source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            SnapshotFile.deleteQuietly(temp);
            throw new DbsyncException("cannot write snapshot " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            SnapshotFile.deleteQuietly(temp);
            throw e;
        }
    }

    /**
     * Refuses a destination that would overwrite the source: the source file itself (the same
     * path once made absolute and normalized, the same file through a symbolic link or a hard
     * link) or one of its {@code -wal}, {@code -shm} and {@code -journal} files. Writes nothing.
     *
     * @param destination a path a snapshot (or a file derived from one) is to be written at
     * @throws DbsyncException if the destination is the source or one of its side files,
     *     naming both paths
     */
    public void checkDestination(Path destination) {
        Objects.requireNonNull(destination, "destination");
        Optional<Path> file = SourceFiles.named(source, destination);
        if (file.isPresent()) {
            throw new DbsyncException("the output " + destination.toAbsolutePath() + " is "
                    + SourceFiles.describe(source, file.get()) + ": writing it would destroy the source;"
                    + " choose another output path");
        }
    }

    private static Connection openDestination(Path temp) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + temp);
    }

    /**
     * Options of a {@link SnapshotProducer}. Not thread-safe; {@link #build()} validates.
     */
    public static final class Builder {
        private final Path source;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private boolean integrityCheck;
        private boolean durable = true;
        private Clock clock = Clock.systemUTC();

        private Builder(Path source) {
            this.source = Objects.requireNonNull(source, "source").toAbsolutePath();
        }

        /**
         * @param bytes page size of produced snapshots: a power of two from 512 to 65536
         * @return this builder
         */
        public Builder pageSize(int bytes) {
            this.pageSize = bytes;
            return this;
        }

        /**
         * @param check whether to run {@code PRAGMA integrity_check} on every snapshot before
         *     publishing it (off by default: it reads the whole file once more)
         * @return this builder
         */
        public Builder integrityCheck(boolean check) {
            this.integrityCheck = check;
            return this;
        }

        /**
         * @param durable whether the snapshot is flushed to stable storage (file and directory)
         *     before {@code produce} returns (the default). Without it the rename is still atomic,
         *     so readers never see a partial file, but after a power loss the file may not hold
         *     what its meta says: for callers that verify it at start (the publisher does) and
         *     flush it themselves later, off the critical path
         * @return this builder
         */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /**
         * @param clock the clock giving snapshot timestamps and default versions
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the producer
         * @throws IllegalArgumentException if the page size is not a power of two from 512 to
         *     65536
         */
        public SnapshotProducer build() {
            if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
                throw new IllegalArgumentException("page size must be a power of two from 512 to 65536, got "
                        + pageSize);
            }
            return new SnapshotProducer(this);
        }
    }
}
