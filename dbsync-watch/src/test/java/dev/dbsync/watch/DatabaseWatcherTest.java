package dev.dbsync.watch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class DatabaseWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;
    Path db;
    Connection app;

    @BeforeEach
    void createDatabase() throws SQLException {
        db = dir.resolve("bo.db");
        app = DriverManager.getConnection("jdbc:sqlite:" + db);
        exec("PRAGMA journal_mode=WAL");
        exec("CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT)");
        exec("CREATE TABLE audit(id INTEGER PRIMARY KEY, what TEXT)");
    }

    @AfterEach
    void closeApp() throws SQLException {
        app.close();
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = app.createStatement()) {
            s.execute(sql);
        }
    }

    private int countPosts() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM posts")) {
            return rs.getInt(1);
        }
    }

    @Test
    void seesACommitFromAnotherConnectionByPolling() throws Exception {
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(Duration.ofMillis(20))
                .debounce(Duration.ZERO).onChange(r -> { }).build()) {
            w.start();
            assertThat(w.waitForVersion(1, Duration.ofMillis(300))).as("no change, no round").isFalse();
            exec("INSERT INTO posts(body) VALUES ('hello')");
            assertThat(w.waitForVersion(1, WAIT)).isTrue();
            assertThat(w.stats().changes()).isGreaterThanOrEqualTo(1);
            assertThat(w.stats().reloads()).isEqualTo(1);
        }
    }

    @Test
    void anInProcessCommitIsHandledWithoutWaitingForAPoll() throws Exception {
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(NEVER).debounce(Duration.ZERO)
                .onChange(r -> { }).build()) {
            w.start();
            try (AutoCloseable attached = w.attachTo(app)) {
                // the poll interval is one hour: only the commit hook can wake the watcher
                assertThat(w.waitForVersion(1, Duration.ofMillis(200))).isFalse();
                exec("INSERT INTO posts(body) VALUES ('now')");
                assertThat(w.waitForVersion(1, WAIT)).isTrue();
            }
        }
    }

    @Test
    void aRolledBackTransactionIsNoChange() throws Exception {
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(NEVER).debounce(Duration.ZERO)
                .onChange(r -> { }).build()) {
            w.start();
            w.attachTo(app);
            app.setAutoCommit(false);
            exec("INSERT INTO posts(body) VALUES ('never')");
            app.rollback();
            app.setAutoCommit(true);
            w.nudge();
            assertThat(w.waitForVersion(1, Duration.ofMillis(500))).isFalse();
            assertThat(w.stats().checks()).isGreaterThan(1);
        }
    }

    @Test
    void aChangeDuringARoundCausesAnotherRoundThatSeesTheLastWrite() throws Exception {
        CountDownLatch inFirstRound = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(Duration.ofMillis(20)).debounce(Duration.ZERO)
                .onChange(r -> {
                    seen.add(countPosts());
                    if (r == 1) {
                        inFirstRound.countDown();
                        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                    }
                }).build()) {
            w.start();
            exec("INSERT INTO posts(body) VALUES ('one')");
            assertThat(inFirstRound.await(10, TimeUnit.SECONDS)).isTrue();
            exec("INSERT INTO posts(body) VALUES ('two')");
            release.countDown();
            assertThat(w.waitForVersion(2, WAIT)).isTrue();
            assertThat(seen.get(0)).isEqualTo(1);
            assertThat(seen.get(seen.size() - 1)).isEqualTo(2);
        }
    }

    @Test
    void aBurstIsCoalescedAndTheLastWriteIsAlwaysHandled() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(Duration.ofMillis(10))
                .debounce(Duration.ofMillis(150)).onChange(r -> seen.add(countPosts())).build()) {
            w.start();
            for (int i = 0; i < 50; i++) {
                exec("INSERT INTO posts(body) VALUES ('burst')");
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((seen.isEmpty() || seen.get(seen.size() - 1) != 50) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(seen).isNotEmpty();
            assertThat(seen.get(seen.size() - 1)).isEqualTo(50);
            assertThat(seen.size()).as("rounds for 50 commits").isLessThan(50);
        }
    }

    @Test
    void aFailedRoundIsRetriedWithoutANewChange() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(Duration.ofMillis(20)).debounce(Duration.ZERO)
                .onChange(r -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("target down");
                    }
                }).build()) {
            w.start();
            exec("INSERT INTO posts(body) VALUES ('x')");
            assertThat(w.waitForVersion(1, WAIT)).isTrue();
            assertThat(calls.get()).isEqualTo(3);
            assertThat(w.stats().errors()).isEqualTo(2);
        }
    }

    @Test
    void runsAtStartWhenAsked() throws Exception {
        try (DatabaseWatcher w = DatabaseWatcher.builder(db).interval(NEVER).runAtStart(true)
                .onChange(r -> { }).build()) {
            w.start();
            assertThat(w.waitForVersion(1, WAIT)).isTrue();
        }
    }

    @Test
    void userVersionAndMaxDetectorsIgnoreOtherWrites() throws Exception {
        try (DatabaseWatcher byUserVersion = DatabaseWatcher.builder(db).detector(ChangeDetector.USER_VERSION)
                .interval(Duration.ofMillis(10)).debounce(Duration.ZERO).onChange(r -> { }).build();
             DatabaseWatcher byAuditId = DatabaseWatcher.builder(db).detector(ChangeDetector.maxOf("audit", "id"))
                .interval(Duration.ofMillis(10)).debounce(Duration.ZERO).onChange(r -> { }).build()) {
            byUserVersion.start();
            byAuditId.start();
            exec("INSERT INTO posts(body) VALUES ('ignored')");
            Thread.sleep(200);
            assertThat(byUserVersion.version()).isZero();
            assertThat(byAuditId.version()).isZero();
            exec("PRAGMA user_version = 7");
            assertThat(byUserVersion.waitForVersion(1, WAIT)).isTrue();
            exec("INSERT INTO audit(what) VALUES ('login')");
            assertThat(byAuditId.waitForVersion(1, WAIT)).isTrue();
            assertThat(byAuditId.stats().checks()).isGreaterThan(2);
            assertThat(byUserVersion.stats().reopens()).as("ignored writes are no stale connection").isZero();
            assertThat(byAuditId.stats().reopens()).isZero();
        }
    }

    @Test
    void recoversWhenTheDatabaseAppearsLater() throws Exception {
        Path later = dir.resolve("later.db");
        try (DatabaseWatcher w = DatabaseWatcher.builder(later).interval(Duration.ofMillis(20))
                .debounce(Duration.ZERO).onChange(r -> { }).build()) {
            w.start();
            assertThat(w.stats().sourceError()).as("a missing file is a source error, not a failed read")
                    .hasValueSatisfying(e -> assertThat(e).contains(later.toString()));
            assertThat(w.stats().errors()).isZero();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + later); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(x)");
            }
            assertThat(w.waitForVersion(1, WAIT)).as("a round after the outage").isTrue();
        }
    }

    @Test
    void aDatabaseThatCannotBeReadIsRetriedOncePerIntervalNotInABusyLoop() throws Exception {
        // regression: a change detector failing on every read (here: a corrupted header) made the
        // loop retry at once, forever: thousands of reconnections per second on one core
        Path broken = dir.resolve("broken.db");
        java.nio.file.Files.write(broken, new byte[8192]);
        java.nio.file.Files.writeString(broken, "this is not an SQLite header, nor are the pages after it");
        try (DatabaseWatcher w = DatabaseWatcher.builder(broken).interval(Duration.ofMillis(100))
                .debounce(Duration.ZERO).onChange(r -> { }).build()) {
            w.start();
            Thread.sleep(1000);
            assertThat(w.stats().errors()).as("about one failed read per 100 ms interval").isBetween(1L, 30L);
        }
    }

    @Test
    void closeIsIdempotentAndStopsTheThread() throws Exception {
        DatabaseWatcher w = DatabaseWatcher.builder(db).onChange(r -> { }).build();
        w.start();
        w.start();
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("dbsync-watch-"));
        w.close();
        w.close();
        assertThat(w.waitForVersion(1, Duration.ofMillis(50))).isFalse();
        assertThatThrownBy(w::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> DatabaseWatcher.builder(db).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handler");
        assertThatThrownBy(() -> DatabaseWatcher.builder(db).onChange(r -> { }).interval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
        assertThatThrownBy(() -> DatabaseWatcher.builder(db).onChange(r -> { }).debounce(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("debounce");
        assertThatThrownBy(() -> ChangeDetector.maxOf("", "id")).isInstanceOf(IllegalArgumentException.class);
    }
}
