package dev.dbsync.watch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: closing any descriptor of the source in this process drops SQLite's POSIX locks; the
 * next {@code sqlite3} process to exit then checkpoints and deletes {@code -wal}/{@code -shm},
 * and a watcher still polling the deleted ones never sees another write. The watcher must notice
 * that the file moves while its detector is silent, and reopen.
 */
@Timeout(60)
class DroppedLockTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void everyForeignWriteIsSeenAfterThisProcessDroppedItsLocks() throws Exception {
        Path db = dir.resolve("bo.db");
        SqliteCli.run(db, "PRAGMA journal_mode=WAL; CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);");
        AtomicLong seen = new AtomicLong(-1);
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(Duration.ofMillis(20)).debounce(Duration.ZERO)
                .onChange(r -> seen.set(count(db))).build()) {
            w.start();
            // what producing a snapshot did before issue 17: read the header with Java I/O
            try (InputStream in = Files.newInputStream(db)) {
                assertThat(in.readNBytes(16)).hasSize(16);
            }
            SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('one');");
            assertThat(awaitSeen(seen, 1)).as("first foreign write seen").isTrue();
            SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('two');");
            assertThat(awaitSeen(seen, 2)).as("second foreign write seen").isTrue();
            SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('three');");
            assertThat(awaitSeen(seen, 3)).as("third foreign write seen").isTrue();
            assertThat(w.stats().reopens()).as("reopened once, when the file moved unseen").isEqualTo(1);
            assertThat(w.stats().sourceError()).isEmpty();
        }
    }

    @Test
    void aDetectorThatIgnoresOtherWritesIsCrossCheckedWithDataVersion() throws Exception {
        // the cross-check must not mistake ignored writes for a stale connection, nor miss a stale one
        Path db = dir.resolve("bo.db");
        SqliteCli.run(db, "PRAGMA journal_mode=WAL; CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);");
        AtomicLong seen = new AtomicLong(-1);
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).detector(ChangeDetector.USER_VERSION)
                .interval(Duration.ofMillis(20)).debounce(Duration.ZERO).onChange(r -> seen.set(userVersion(db)))
                .build()) {
            w.start();
            try (InputStream in = Files.newInputStream(db)) {
                assertThat(in.read()).isNotNegative();
            }
            for (int v = 1; v <= 3; v++) {
                SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('ignored'); PRAGMA user_version = " + v + ";");
                assertThat(awaitSeen(seen, v)).as("user_version %d seen", v).isTrue();
            }
            assertThat(w.stats().reopens()).as("reopened once, when the file moved unseen").isEqualTo(1);
        }
    }

    private static long userVersion(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.getLong(1);
        }
    }

    private static boolean awaitSeen(AtomicLong seen, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.get() != rows && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return seen.get() == rows;
    }

    static long count(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM posts")) {
            return rs.getLong(1);
        }
    }
}
