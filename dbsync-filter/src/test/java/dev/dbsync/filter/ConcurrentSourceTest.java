package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dbsync.api.FilterSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentSourceTest {
    @TempDir
    Path dir;

    @Test
    void snapshotsOfASourceBeingWrittenAreConsistentAndDoNotBlockTheWriter() throws Exception {
        Path source = dir.resolve("bo.db");
        exec(source, "PRAGMA journal_mode = WAL",
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, payload TEXT, public INT NOT NULL)",
                "CREATE TABLE lines (order_id INTEGER PRIMARY KEY, amount INT NOT NULL)",
                "CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)"
                        + " INSERT INTO orders SELECT i, printf('%0300d', i), 1 FROM n",
                "INSERT INTO lines SELECT id, id FROM orders");
        FilterSpec spec = FilterSpec.builder().filteredTable("orders", "public = 1").fullTables("lines").build();
        SnapshotProducer producer = SnapshotProducer.builder(source).build();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = SqliteFiles.open(source); Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                c.setAutoCommit(false);
                try (PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, 'new', 1)");
                        PreparedStatement line = c.prepareStatement("INSERT INTO lines VALUES (?, ?)");
                        PreparedStatement audit = c.prepareStatement("INSERT INTO audit (note) VALUES ('w')")) {
                    for (long id = 1_000_000; !stop.get(); id++) {
                        order.setLong(1, id);
                        order.executeUpdate();
                        line.setLong(1, id);
                        line.setLong(2, id);
                        line.executeUpdate();
                        audit.executeUpdate();
                        c.commit();
                        written.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        }, "test-writer");
        writer.start();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int round = 0; round < 4; round++) {
                    long before = written.get();
                    Path out = dir.resolve("snap" + round + ".db");
                    ProductionReport report = producer.produce(out, spec, round);
                    List<List<Object>> r = rows(out, "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM lines),"
                            + " (SELECT max(id) FROM orders), (SELECT max(order_id) FROM lines),"
                            + " (SELECT count(*) FROM orders o LEFT JOIN lines l ON l.order_id = o.id WHERE l.order_id IS NULL)");
                    assertThat(r.get(0).get(0)).isEqualTo(r.get(0).get(1));
                    assertThat(r.get(0).get(2)).isEqualTo(r.get(0).get(3));
                    assertThat(r.get(0).get(4)).isEqualTo(0);
                    assertThat(report.tables().get(0).rowsPublished()).isEqualTo(((Number) r.get(0).get(1)).longValue());
                    assertThat(rows(out, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (written.get() == before && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertThat(written.get()).as("writer progresses between snapshots").isGreaterThan(before);
                }
            });
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        assertThat(writerFailure.get()).isNull();
        assertThat(written.get()).isPositive();
    }
}
