package dev.dbsync.bench;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * Generated back-office databases and the original snapshot method they are measured against.
 *
 * <p>The production source has five tables: {@code catalog} (published whole), {@code events}
 * (20% of rows published), {@code users} (half the rows, two of five columns published),
 * {@code audit} and {@code sessions} (private): about 20% of its bytes are published.
 */
final class SourceDatabase {
    /** What the production benchmark publishes from a generated source. */
    static final FilterSpec SPEC = FilterSpec.builder()
            .fullTables("catalog")
            .filteredTable("events", "public = 1")
            .partialTable("users", PartialTable.where("active = 1", "id", "name"))
            .build();

    private static final String NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ";

    private SourceDatabase() {
    }

    /**
     * Generates the production source once; an existing file of the same nominal size is reused.
     *
     * @param file the database to create
     * @param megabytes the approximate size wanted (rows scale linearly; 200 gives about 200 MB)
     */
    static void generate(Path file, int megabytes) throws SQLException, IOException {
        Files.deleteIfExists(file);
        double scale = megabytes / 200.0;
        try (Connection conn = open(file); Statement s = conn.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = OFF");
            // random keys (users.email UNIQUE, sessions' WITHOUT ROWID key) thrash the default 2 MB page cache
            // past ~200 MB: generation of 1 GB took 62 s with it, the benchmark's budget is 15 minutes
            s.execute("PRAGMA cache_size = -262144");
            s.execute("CREATE TABLE catalog (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, label TEXT, price REAL)");
            s.execute("CREATE INDEX catalog_sku ON catalog(sku)");
            s.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind INT NOT NULL, public INT NOT NULL, payload TEXT)");
            s.execute("CREATE INDEX events_kind ON events(kind)");
            s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,"
                    + " bio TEXT, active INT NOT NULL)");
            s.execute("CREATE INDEX users_name ON users(name)");
            s.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, at INT, detail TEXT)");
            s.execute("CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INT, data TEXT) WITHOUT ROWID");
            s.execute("BEGIN");
            s.execute(numbers(90_000, scale) + "INSERT INTO catalog SELECT i, 'sku-' || i, hex(randomblob(80)),"
                    + " i * 0.5 FROM n");
            s.execute(numbers(180_000, scale) + "INSERT INTO events SELECT i, i % 17, (i % 5 = 0),"
                    + " hex(randomblob(150)) FROM n");
            s.execute(numbers(120_000, scale) + "INSERT INTO users SELECT i, 'user' || i, 'u' || i || '@example.org',"
                    + " hex(randomblob(120)), (i % 2) FROM n");
            s.execute(numbers(150_000, scale) + "INSERT INTO audit SELECT i, i, hex(randomblob(110)) FROM n");
            s.execute(numbers(150_000, scale) + "INSERT INTO sessions SELECT hex(randomblob(16)), i,"
                    + " hex(randomblob(100)) FROM n");
            s.execute("COMMIT");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    private static String numbers(int rowsAt200, double scale) {
        return String.format(NUMBERS, Math.max(10, Math.round(rowsAt200 * scale)));
    }

    /**
     * Generates a database whose one table {@code blobs} is published whole, so that its
     * snapshot is about {@code bytes} long (random, incompressible rows of 4000 bytes).
     */
    static void generatePublishedBlobs(Path file, long bytes) throws SQLException, IOException {
        Files.deleteIfExists(file);
        try (Connection conn = open(file); Statement s = conn.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = OFF");
            s.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            s.execute("CREATE TABLE private (id INTEGER PRIMARY KEY, data BLOB)");
            long rows = Math.max(1, bytes / 4096);
            s.execute(String.format(NUMBERS, rows) + "INSERT INTO blobs SELECT i, randomblob(4000) FROM n");
            s.execute("INSERT INTO private VALUES (1, randomblob(100))");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** What {@link #generatePublishedBlobs} databases publish. */
    static final FilterSpec BLOBS_SPEC = FilterSpec.builder().fullTables("blobs").build();

    /**
     * The original Go method: copy everything with VACUUM INTO, then drop unlisted tables,
     * delete filtered rows, blank partial columns, and VACUUM; hashes the result.
     *
     * @return the SHA-256 of the produced file
     */
    static String original(Path source, Path out) throws SQLException, IOException {
        Files.deleteIfExists(out);
        try (Connection conn = open(source); Statement s = conn.createStatement()) {
            s.execute("VACUUM INTO '" + out + "'");
        }
        try (Connection conn = open(out); Statement s = conn.createStatement()) {
            s.execute("DROP TABLE audit");
            s.execute("DROP TABLE sessions");
            s.execute("DELETE FROM events WHERE NOT (public = 1)");
            s.execute("DELETE FROM users WHERE NOT (active = 1)");
            // blanking email to '' would fail on its UNIQUE constraint, as the original did; a distinct value costs the same
            s.execute("UPDATE users SET email = id, bio = NULL, active = 0");
            s.execute("VACUUM");
        }
        return sha256(out);
    }

    /** SQLite's own copy of a database: the physical lower bound of writing a snapshot. */
    static void vacuumInto(Path source, Path out) throws SQLException, IOException {
        Files.deleteIfExists(out);
        try (Connection conn = open(source); Statement s = conn.createStatement()) {
            s.execute("VACUUM INTO '" + out + "'");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return a new SHA-256 digest (every JDK has one) */
    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }
}
