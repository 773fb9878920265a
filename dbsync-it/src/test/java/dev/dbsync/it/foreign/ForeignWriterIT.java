package dev.dbsync.it.foreign;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back office written by other programs, as in real deployments: a running publisher (its
 * watcher with the defaults a user gets) pushes over QUIC (netty, mutual TLS, loopback) to a
 * running subscriber while the source database is written by new {@code sqlite3} shell and
 * Python processes, each opening, writing one published row and exiting, interleaved with other
 * processes checkpointing ({@code PRAGMA wal_checkpoint(TRUNCATE)}), vacuuming, and restoring
 * the source by renaming a copy over it. Every write must reach the front office: after each one
 * the front office's database is queried for its row, within {@link #PER_WRITE}.
 *
 * <p>{@value #VERIFY_WRITES} writes per writer and journal mode in {@code verify},
 * {@value #STRESS_WRITES} with {@code -Pstress}. Skipped only when {@code sqlite3} or
 * {@code python3} is not installed ({@code .ci/run} installs both).
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ForeignWriterIT {
    private static final int VERIFY_WRITES = 20;
    private static final int STRESS_WRITES = 100;
    private static final int WRITES = Boolean.getBoolean("dbsync.stress") ? STRESS_WRITES : VERIFY_WRITES;
    private static final Duration PER_WRITE = Duration.ofSeconds(20);
    private static final FilterSpec SPEC = FilterSpec.builder().filteredTable("posts", "public = 1").build();

    /** The source's journal mode, as {@code PRAGMA journal_mode} names it. */
    enum JournalMode {
        WAL, DELETE;

        String pragma() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Who writes a row. */
    private enum Writer {
        SQLITE3_SHELL, PYTHON
    }

    @TempDir
    Path dir;
    private Path source;
    private ForeignProcesses foreign;
    private Subscriber fo;
    private Publisher bo;
    private final List<String> published = new ArrayList<>();

    @BeforeEach
    void findPrograms() {
        foreign = ForeignProcesses.findOrSkip();
        source = dir.resolve("bo.db");
    }

    @AfterEach
    void stop() {
        if (bo != null) {
            bo.close();
        }
        if (fo != null) {
            fo.close();
        }
    }

    @ParameterizedTest
    @EnumSource(JournalMode.class)
    void everyWriteOfTheSqlite3ShellReachesTheFrontOfficeThroughCheckpointsAndVacuums(JournalMode mode)
            throws Exception {
        start(mode);
        for (int i = 1; i <= WRITES; i++) {
            write(Writer.SQLITE3_SHELL, mode, i, WRITES);
            maintain(i);
        }
        assertEverythingServed(mode);
    }

    @ParameterizedTest
    @EnumSource(JournalMode.class)
    void everyWriteOfAPythonProgramReachesTheFrontOfficeThroughCheckpointsAndVacuums(JournalMode mode)
            throws Exception {
        start(mode);
        for (int i = 1; i <= WRITES; i++) {
            write(Writer.PYTHON, mode, i, WRITES);
            maintain(i);
        }
        assertEverythingServed(mode);
    }

    /** Depends on the watcher following a replaced source (issue 17, item 3). */
    @ParameterizedTest
    @EnumSource(JournalMode.class)
    void aSourceRestoredByRenamingACopyOverItIsFollowed(JournalMode mode) throws Exception {
        start(mode);
        int writes = Math.max(10, WRITES / 2);
        for (int i = 1; i <= writes; i++) {
            write(i % 2 == 0 ? Writer.PYTHON : Writer.SQLITE3_SHELL, mode, i, writes);
            if (i % 3 == 0) {
                restore(mode, i / 3);
            }
        }
        assertEverythingServed(mode);
    }

    private void start(JournalMode mode) throws Exception {
        assertThat(foreign.sqlite3(source, "PRAGMA journal_mode=" + mode.pragma() + ";"
                + "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT NOT NULL, public INTEGER NOT NULL);"
                + "CREATE TABLE secrets(id INTEGER PRIMARY KEY, value TEXT);"
                + "INSERT INTO posts(body, public) VALUES ('hello', 1), ('draft', 0);"
                + "INSERT INTO secrets(value) VALUES ('s3cr3t');")).isEqualTo(mode.pragma());
        published.add("hello");
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued server = pki.server("fo");
        TestPki.Issued client = pki.client("bo");
        fo = Subscriber.builder().dbPath(dir.resolve("fo").resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(server.certFile(), server.keyFile(), pki.caFile()))
                .transport(Transports.named("netty")).minFreeSpace(0).build().start();
        // the watcher's interval and debounce, and the retry backoff, are the defaults a user gets
        bo = Publisher.builder(source, SPEC, dir.resolve("save").resolve("public.db"))
                .targets(TargetProvider.of(Target.dbsync("fo-1", "127.0.0.1:" + fo.localAddress().getPort())))
                .tls(TlsSettings.mutualClient(pki.caFile(), client.certFile(), client.keyFile()))
                .transport(Transports.named("netty")).build();
        bo.start();
        awaitServed("hello", "the initial snapshot");
    }

    /** One published row written by a new process of {@code writer}; it must reach the front office. */
    private void write(Writer writer, JournalMode mode, int i, int of) throws Exception {
        String body = writer.name().toLowerCase(java.util.Locale.ROOT) + "-" + mode.pragma() + "-" + i;
        switch (writer) {
            case SQLITE3_SHELL -> foreign.sqlite3(source, "INSERT INTO posts(body, public) VALUES ('" + body + "', 1)");
            case PYTHON -> foreign.python(source, body);
        }
        published.add(body);
        awaitServed(body, "write " + i + " of " + of + " (" + writer + ", journal_mode=" + mode.pragma() + ")");
    }

    /** Between writes, other processes checkpoint and vacuum the source. */
    private void maintain(int i) {
        if (i % 3 == 0) {
            assertThat(foreign.sqlite3(source, "PRAGMA wal_checkpoint(TRUNCATE)")).as("checkpoint after write " + i)
                    .startsWith("0|");
        }
        if (i % 5 == 0) {
            foreign.sqlite3(source, "VACUUM");
        }
    }

    /**
     * An operator's restore: a copy of the source ({@code VACUUM INTO} or the shell's
     * {@code .backup}) with one more published row is renamed over the source. The WAL is
     * checkpointed and truncated first, as SQLite requires of anyone replacing a WAL database:
     * no WAL content may outlive the file it belongs to.
     */
    private void restore(JournalMode mode, int n) throws Exception {
        Path copy = dir.resolve("restore-" + n + ".db");
        if (n % 2 == 1) {
            foreign.sqlite3(source, "VACUUM INTO '" + copy + "'");
        } else {
            foreign.sqlite3(source, ".backup '" + copy + "'");
        }
        String body = "restored-" + mode.pragma() + "-" + n;
        foreign.sqlite3(copy, "PRAGMA journal_mode=" + mode.pragma() + ";"
                + "INSERT INTO posts(body, public) VALUES ('" + body + "', 1)");
        assertThat(Files.exists(Path.of(copy + "-wal"))).as("the copy's WAL was checkpointed on close").isFalse();
        assertThat(foreign.sqlite3(source, "PRAGMA wal_checkpoint(TRUNCATE)")).as("checkpoint before restore " + n)
                .startsWith("0|");
        foreign.mv(copy, source);
        published.add(body);
        awaitServed(body, "restore " + n + " (a copy renamed over the source, journal_mode=" + mode.pragma() + ")");
    }

    private void awaitServed(String body, String what) throws Exception {
        long deadline = System.nanoTime() + PER_WRITE.toNanos();
        boolean served = serves(body);
        while (!served && System.nanoTime() < deadline) {
            Thread.sleep(20);
            served = serves(body);
        }
        assertThat(served).as("%s: row '%s' did not reach the front office within %s; front office at version %d, "
                + "source files %s, publisher status %s", what, body, PER_WRITE, fo.version(), sourceFiles(), bo.status())
                .isTrue();
    }

    /** The source and its {@code -wal}, {@code -shm} and {@code -journal} files, as they are now. */
    private List<String> sourceFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(source.getFileName().toString()))
                    .sorted().toList();
        }
    }

    private boolean serves(String body) throws SQLException {
        DataSource db = fo.db().orElse(null);
        if (db == null) {
            return false;
        }
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM posts WHERE body = ?")) {
            s.setString(1, body);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) == 1;
            }
        }
    }

    /**
     * At the end the source is still in {@code mode}, and the front office holds exactly the
     * published rows, in order, and nothing private.
     */
    private void assertEverythingServed(JournalMode mode) throws SQLException {
        assertThat(foreign.sqlite3(source, "PRAGMA journal_mode")).as("the source's journal mode").isEqualTo(mode.pragma());
        List<String> bodies = new ArrayList<>();
        try (Connection c = fo.db().orElseThrow().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT body FROM posts ORDER BY id")) {
                while (rs.next()) {
                    bodies.add(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'secrets'")) {
                assertThat(rs.getLong(1)).as("unpublished table").isZero();
            }
        }
        assertThat(bodies).containsExactlyElementsOf(published);
    }
}
