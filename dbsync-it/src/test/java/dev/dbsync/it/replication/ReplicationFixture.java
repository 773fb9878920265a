package dev.dbsync.it.replication;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TestPki;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** A back-office database, its filter, certificates, and bounded waiting, for replication tests. */
final class ReplicationFixture {
    static final FilterSpec SPEC = FilterSpec.builder().filteredTable("posts", "public = 1").build();

    final Path dir;
    final Path bo;
    final TestPki pki;
    final TestPki.Issued fo;
    final TestPki.Issued publisherCert;

    ReplicationFixture(Path dir) throws SQLException {
        this.dir = dir;
        this.bo = dir.resolve("bo.db");
        this.pki = TestPki.create(dir.resolve("pki"), "ca");
        this.fo = pki.server("fo");
        this.publisherCert = pki.client("bo");
        exec("PRAGMA journal_mode=WAL");
        exec("CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT NOT NULL, public INTEGER NOT NULL)");
        exec("CREATE TABLE secrets(id INTEGER PRIMARY KEY, value TEXT)");
        exec("INSERT INTO posts(body, public) VALUES ('hello', 1), ('draft', 0)");
        exec("INSERT INTO secrets(value) VALUES ('s3cr3t')");
    }

    Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + bo);
    }

    void exec(String sql) throws SQLException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    TlsSettings serverTls() {
        return TlsSettings.server(fo.certFile(), fo.keyFile());
    }

    TlsSettings mutualServerTls() {
        return TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile());
    }

    TlsSettings clientTls() {
        return TlsSettings.mutualClient(pki.caFile(), publisherCert.certFile(), publisherCert.keyFile());
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.getLong(1);
        }
    }

    /** Polls {@code condition} every 20 ms until true or {@code timeout}; returns the last result. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
