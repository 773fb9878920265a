package dev.dbsync.it.adversarial;

import dev.dbsync.api.SnapshotMeta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Real SQLite snapshot files for the adversarial suite: every row of table {@code t} carries
 * the snapshot's version, so a reader can tell a whole snapshot from a torn one.
 */
final class SnapshotFiles {
    /** Bytes of random padding per row. */
    private static final int ROW_BYTES = 1000;

    private SnapshotFiles() {
    }

    /**
     * Writes a database of roughly {@code approxBytes} (at least one row).
     *
     * @param file where (must not exist)
     * @param version the version every row carries
     * @param approxBytes the wanted size
     * @return its meta, timestamp now
     */
    static SnapshotMeta create(Path file, long version, long approxBytes) {
        long rows = Math.max(1, approxBytes / (ROW_BYTES + 40));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, pad BLOB NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                    + "FROM n WHERE i < ?) INSERT INTO t(v, pad) SELECT ?, randomblob(" + ROW_BYTES + ") FROM n")) {
                ps.setLong(1, rows);
                ps.setLong(2, version);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create " + file, e);
        }
        return meta(file, version);
    }

    /** @return the meta of an existing file, timestamp now */
    static SnapshotMeta meta(Path file, long version) {
        try {
            return new SnapshotMeta(version, sha256(file), Files.size(file), Instant.now().getEpochSecond(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code PRAGMA integrity_check} on a file, read-only.
     *
     * @return "ok" or SQLite's first complaint
     */
    static String integrityCheck(Path file) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            return rs.next() ? rs.getString(1) : "no result";
        } catch (SQLException e) {
            return "cannot check: " + e.getMessage();
        }
    }

    /**
     * A cheap read of three rows by key (first, middle, last), as an application's point query.
     *
     * @param c a connection to one of these snapshots
     * @return the version those rows carry
     * @throws AssertionError if they disagree (a torn read) or are missing
     */
    static long sampledVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT min(v), max(v), count(*) FROM t "
                + "WHERE id IN (1, (SELECT max(id) FROM t) / 2 + 1, (SELECT max(id) FROM t))")) {
            rs.next();
            if (rs.getLong(1) != rs.getLong(2) || rs.getLong(3) == 0) {
                throw new AssertionError("torn read: min " + rs.getLong(1) + ", max " + rs.getLong(2) + ", rows "
                        + rs.getLong(3));
            }
            return rs.getLong(1);
        }
    }

    /**
     * @param c a connection to one of these snapshots
     * @return the version every row carries
     * @throws AssertionError if the rows disagree (a torn read)
     */
    static long wholeVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT min(v), max(v), count(*) FROM t")) {
            rs.next();
            if (rs.getLong(1) != rs.getLong(2) || rs.getLong(3) == 0) {
                throw new AssertionError("torn read: min " + rs.getLong(1) + ", max " + rs.getLong(2) + ", rows "
                        + rs.getLong(3));
            }
            return rs.getLong(1);
        }
    }
}
