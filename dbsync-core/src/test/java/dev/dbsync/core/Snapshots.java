package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;

/** Makes small, real SQLite snapshot files whose every row carries the snapshot's version. */
final class Snapshots {
    /** Rows in each test snapshot. */
    static final int ROWS = 40;
    private static final java.util.concurrent.atomic.AtomicLong SALT = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    private Snapshots() {
    }

    /**
     * @param file where to write it (must not exist)
     * @param version the version written in every row
     * @return the meta (timestamp now, not compressed)
     */
    static SnapshotMeta create(Path file, long version) {
        long salt = SALT.incrementAndGet(); // two snapshots of one version still differ
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (v INTEGER NOT NULL, pad TEXT NOT NULL)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (v, pad) VALUES (?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    ps.setLong(1, version);
                    ps.setString(2, "row " + i + " of version " + version + " salt " + salt);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return meta(file, version, Instant.now().getEpochSecond());
    }

    static SnapshotMeta meta(Path file, long version, long timestamp) {
        try {
            return new SnapshotMeta(version, sha256(file), Files.size(file), timestamp, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param c a connection to a served snapshot
     * @return the version all its rows carry
     * @throws AssertionError if the rows do not all carry one version, or some are missing
     */
    static long wholeVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT min(v), max(v), count(*) FROM t")) {
            rs.next();
            long min = rs.getLong(1);
            long max = rs.getLong(2);
            long count = rs.getLong(3);
            if (min != max || count != ROWS) {
                throw new AssertionError("torn read: min " + min + ", max " + max + ", rows " + count);
            }
            return min;
        }
    }
}
