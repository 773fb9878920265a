package dev.dbsync.core;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.ForeignProgram;
import dev.dbsync.testkit.TcpTlsTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 items 3 and 4 as the publisher shows them: {@code /status} and the watcher's meters,
 * with the source written by {@code sqlite3} processes.
 */
@Timeout(60)
class PublisherWatchTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("posts").build();

    @TempDir
    Path dir;

    private Publisher publisher(Path source, SimpleMeterRegistry meters) {
        return Publisher.builder(source, SPEC, dir.resolve("public.db")).targets(TargetProvider.of())
                .tls(TlsSettings.insecureClient()).transport(new TcpTlsTransport()).meterRegistry(meters)
                .watchInterval(Duration.ofMillis(20)).debounce(Duration.ZERO).build();
    }

    @Test
    void aSourceWhoseLocksWereDroppedIsReopenedCountedAndEveryWritePublished() throws Exception {
        Path source = dir.resolve("bo.db");
        sqlite3(source, "PRAGMA journal_mode=WAL; CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Publisher p = publisher(source, meters)) {
            p.start();
            assertThat(await(() -> publishedRows(p) == 0)).as("first snapshot").isTrue();
            // any descriptor of the source closed in this process drops SQLite's locks (issue 17)
            try (InputStream in = Files.newInputStream(source)) {
                assertThat(in.read()).isNotNegative();
            }
            for (int i = 1; i <= 3; i++) {
                sqlite3(source, "INSERT INTO posts(body) VALUES ('write " + i + "');");
                int rows = i;
                assertThat(await(() -> publishedRows(p) == rows)).as("write %d published", i).isTrue();
            }
            assertThat(meters.get("dbsync.watch.reopens").tag("database", "bo.db").functionCounter().count())
                    .isEqualTo(1.0);
            Map<String, Object> watch = watch(p);
            assertThat(watch).containsEntry("reopens", 1L).containsKey("last_change").containsKey("last_change_age_ms");
            assertThat((Long) watch.get("last_change_age_ms")).isNotNegative();
            assertThat(p.status()).doesNotContainKey("source_error");
        }
    }

    @Test
    void aDeletedSourceIsASourceErrorAndAMetricUntilItReturns() throws Exception {
        Path source = dir.resolve("bo.db");
        sqlite3(source, "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO posts(body) VALUES ('a');");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Publisher p = publisher(source, meters)) {
            p.start();
            assertThat(await(() -> publishedRows(p) == 1)).as("first snapshot").isTrue();
            long before = p.lastMeta().map(SnapshotMeta::version).orElseThrow();
            Files.delete(source);
            assertThat(await(() -> watch(p).containsKey("source_missing"))).as("status: %s", p.status()).isTrue();
            assertThat(String.valueOf(p.status().get("source_error"))).contains(source.toString()).contains("gone");
            assertThat(missingGauge(meters)).isEqualTo(1.0);
            assertThat(p.status()).as("no production was tried on a missing source").doesNotContainKey("last_error");

            sqlite3(source, "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);"
                    + " INSERT INTO posts(body) VALUES ('b'), ('c');");
            assertThat(await(() -> publishedRows(p) == 2)).as("the returned source is published").isTrue();
            assertThat(p.lastMeta().map(SnapshotMeta::version).orElseThrow()).isGreaterThan(before);
            assertThat(p.status()).doesNotContainKey("source_error");
            assertThat(watch(p)).doesNotContainKey("source_missing").containsEntry("replacements", 1L);
            assertThat(missingGauge(meters)).isZero();
        }
    }

    private static double missingGauge(SimpleMeterRegistry meters) {
        return meters.get("dbsync.watch.source.missing").tag("database", "bo.db").gauge().value();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> watch(Publisher p) {
        return (Map<String, Object>) p.status().get("watch");
    }

    /** Rows of the last published snapshot, -1 before the first. */
    private long publishedRows(Publisher p) {
        if (p.lastMeta().isEmpty()) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + dir.resolve("public.db") + "?immutable=1");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM posts")) {
            return rs.getLong(1);
        } catch (Exception e) {
            return -1; // being replaced
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    private static void sqlite3(Path db, String sql) {
        ForeignProgram.onPath("sqlite3").orElseThrow(() -> new AssertionError("no sqlite3 on the PATH"))
                .sqlite3(db, sql);
    }
}
