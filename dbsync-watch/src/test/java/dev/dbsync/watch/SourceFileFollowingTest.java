package dev.dbsync.watch;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 3: the watcher follows the file at its path, written by other processes
 * ({@code sqlite3}): replaced by a rename, deleted and recreated, gone for a while and back.
 */
@Timeout(60)
class SourceFileFollowingTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    Path db;
    final AtomicReference<String> seen = new AtomicReference<>("");

    @BeforeEach
    void createSource() throws Exception {
        db = dir.resolve("bo.db");
    }

    private DatabaseWatcher watcher() {
        return DatabaseWatcher.builder(db).interval(Duration.ofMillis(20)).debounce(Duration.ZERO)
                .onChange(r -> seen.set(bodies(db))).build();
    }

    @Test
    void aSourceReplacedByARenameIsFollowed() throws Exception {
        SqliteCli.run(db, "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO posts(body) VALUES ('old');");
        try (DatabaseWatcher w = watcher()) {
            w.start();
            Path restored = dir.resolve("restore.db");
            SqliteCli.run(restored, "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);"
                    + " INSERT INTO posts(body) VALUES ('restored');");
            Files.move(restored, db, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(await(() -> seen.get().equals("restored"))).as("content of the new file, seen: %s", seen).isTrue();
            assertThat(w.stats().replacements()).isEqualTo(1);
            SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('after');");
            assertThat(await(() -> seen.get().equals("restored,after"))).as("a write to the new file, seen: %s", seen)
                    .isTrue();
        }
    }

    @Test
    void aWalSourceDeletedAndRecreatedIsFollowed() throws Exception {
        SqliteCli.run(db, "PRAGMA journal_mode=WAL; CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);"
                + " INSERT INTO posts(body) VALUES ('old');");
        try (DatabaseWatcher w = watcher()) {
            w.start();
            SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('old2');");
            assertThat(await(() -> seen.get().equals("old,old2"))).as("seen: %s", seen).isTrue();
            deleteWithSideFiles();
            SqliteCli.run(db, "PRAGMA journal_mode=WAL; CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);"
                    + " INSERT INTO posts(body) VALUES ('new');");
            assertThat(await(() -> seen.get().equals("new"))).as("content of the new file, seen: %s", seen).isTrue();
            SqliteCli.run(db, "INSERT INTO posts(body) VALUES ('new2');");
            assertThat(await(() -> seen.get().equals("new,new2"))).as("a write to the new file, seen: %s", seen)
                    .isTrue();
            assertThat(w.stats().replacements()).isEqualTo(1);
            assertThat(w.stats().sourceError()).isEmpty();
        }
    }

    @Test
    void aDeletedSourceIsASourceErrorUntilItReturns() throws Exception {
        SqliteCli.run(db, "PRAGMA journal_mode=WAL; CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT);"
                + " INSERT INTO posts(body) VALUES ('old');");
        try (DatabaseWatcher w = watcher()) {
            w.start();
            deleteWithSideFiles();
            assertThat(await(() -> w.stats().sourceError().isPresent())).as("source error reported").isTrue();
            assertThat(w.stats().sourceError().get()).contains(db.toString()).contains("gone");
            long checks = w.stats().checks();
            long rounds = w.version();
            // several intervals while it is gone: no round, no read of the detector, no error
            Thread.sleep(200);
            assertThat(w.version()).isEqualTo(rounds);
            assertThat(w.stats().checks()).isEqualTo(checks);
            assertThat(w.stats().errors()).isZero();
            SqliteCli.run(db, "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO posts(body) VALUES ('back');");
            assertThat(await(() -> seen.get().equals("back"))).as("content of the returned file, seen: %s", seen).isTrue();
            assertThat(w.stats().sourceError()).isEmpty();
            assertThat(w.stats().replacements()).isEqualTo(1);
            assertThat(w.stats().lastChange()).isPresent();
        }
    }

    /** What a user does to remove a WAL database: the file and its side files. */
    private void deleteWithSideFiles() throws IOException {
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    static String bodies(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_concat(body, ',') FROM (SELECT body FROM posts ORDER BY id)")) {
            String v = rs.getString(1);
            return v == null ? "" : v;
        }
    }
}
