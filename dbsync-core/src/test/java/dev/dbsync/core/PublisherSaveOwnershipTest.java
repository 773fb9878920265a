package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TcpTlsTransport;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The publisher never writes a file it does not own (red team: {@code publish --save} replaced
 * the back-office database, or somebody else's database, with a filtered snapshot): a save path
 * that is the source, by any name, is refused before anything is written; so is a file at the
 * save path that no publisher wrote (a front office's database included); a save path the
 * publisher wrote is reused.
 */
@Timeout(60)
class PublisherSaveOwnershipTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("t").build();

    @TempDir
    Path dir;

    private Publisher publisher(Path source, Path save) {
        return Publisher.builder(source, SPEC, save).targets(TargetProvider.of()).tls(TlsSettings.insecureClient())
                .transport(new TcpTlsTransport()).watchInterval(Duration.ofMillis(20)).debounce(Duration.ZERO).build();
    }

    /** A back office with a published table {@code t} and a private one. */
    private Path backOffice(String name, boolean wal) throws Exception {
        Path db = dir.resolve(name);
        sql(db, (wal ? "PRAGMA journal_mode=WAL; " : "") + "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                + " INSERT INTO t VALUES (1, 'bo'); CREATE TABLE secret(x); INSERT INTO secret VALUES ('PRIVATE');");
        return db;
    }

    @Test
    void aSavePathThatIsTheSourceByAnyNameIsRefusedAndTheSourceIsUntouched() throws Exception {
        Path source = backOffice("bo.db", true);
        Files.createLink(dir.resolve("hard.db"), source);
        Files.createSymbolicLink(dir.resolve("soft.db"), source);
        Files.createDirectories(dir.resolve("sub"));
        List<Path> saves = List.of(source, dir.resolve("sub/../bo.db"), Path.of(source + "-wal"), Path.of(source + "-shm"),
                Path.of(source + "-journal"), dir.resolve("hard.db"), dir.resolve("soft.db"));
        String hash = Snapshots.sha256(source);
        List<String> before = names(dir);
        for (Path save : saves) {
            try (Publisher p = publisher(source, save)) {
                assertThatThrownBy(p::start).as("save path %s", save).isInstanceOfSatisfying(DatabaseFileException.class,
                        e -> {
                            assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.IS_SOURCE);
                            assertThat(e.file()).isEqualTo(save);
                            assertThat(e.getMessage()).contains(save.toString()).contains(source.toString())
                                    .contains("--save");
                        });
            }
        }
        assertThat(Snapshots.sha256(source)).as("the source, byte for byte").isEqualTo(hash);
        assertThat(names(dir)).as("nothing written beside the source (no lock, meta or snapshot)")
                .isEqualTo(before);
        assertThat(tables(source)).containsExactly("secret", "t");
    }

    @Test
    void aSourceNamedLikeAFileThePublisherWritesBesideTheSavePathIsRefused() throws Exception {
        // the publisher produces into <save>.next and removes leftovers of that name at start
        Path source = backOffice("public.db.next", false);
        String hash = Snapshots.sha256(source);
        try (Publisher p = publisher(source, dir.resolve("public.db"))) {
            assertThatThrownBy(p::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.IS_SOURCE);
                assertThat(e.getMessage()).contains(source + ", which the publisher writes beside the save path "
                        + dir.resolve("public.db"));
            });
        }
        assertThat(Snapshots.sha256(source)).isEqualTo(hash);
    }

    @Test
    void aFileAtTheSavePathThatNoPublisherWroteIsRefusedAndUntouched() throws Exception {
        Path source = backOffice("bo.db", false);
        Path foreign = dir.resolve("foreign.db");
        sql(foreign, "CREATE TABLE other(x); INSERT INTO other VALUES ('someone elses');");
        Path text = Files.writeString(dir.resolve("notes.db"), "not a database\n");
        Path frontOffice = dir.resolve("fo.db");
        sql(frontOffice, "CREATE TABLE served(x);");
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        // a stopped front office's database: its meta beside it is a subscriber's, not a publisher's
        Subscriber.builder().dbPath(frontOffice).adoptExisting(true).listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.server(fo.certFile(), fo.keyFile())).transport(new TcpTlsTransport()).minFreeSpace(0)
                .build().start().close();
        assertThat(Path.of(frontOffice + ".meta.json")).exists();
        for (Path save : List.of(foreign, text, frontOffice)) {
            String hash = Snapshots.sha256(save);
            try (Publisher p = publisher(source, save)) {
                assertThatThrownBy(p::start).as("save path %s", save).isInstanceOfSatisfying(DatabaseFileException.class,
                        e -> {
                            assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.NOT_OURS);
                            assertThat(e.file()).isEqualTo(save);
                            assertThat(e.getMessage()).contains(save + " exists but was not written by a dbsync "
                                    + "publisher").contains(save.getFileName() + ".meta.json").contains("left as it is");
                        });
            }
            assertThat(Snapshots.sha256(save)).as("%s, byte for byte", save).isEqualTo(hash);
            assertThat(Path.of(save + ".meta.json")).as("no meta written").matches(
                    m -> save.equals(frontOffice) ? Files.exists(m) : Files.notExists(m));
            assertThat(Path.of(save + ".meta.pending.json")).doesNotExist();
            assertThat(Path.of(save + ".lock")).as("no lock file beside somebody else's file").matches(
                    m -> save.equals(frontOffice) ? Files.exists(m) : Files.notExists(m));
        }
        assertThat(tables(foreign)).containsExactly("other");
        // the refused publisher released the save path's lock: another one can take it
        Files.delete(foreign);
        try (Publisher p = publisher(source, foreign)) {
            p.start();
            assertThat(await(() -> p.lastMeta().isPresent())).isTrue();
        }
        assertThat(tables(foreign)).containsExactly("t");
    }

    @Test
    void aSavePathThePublisherWroteIsReusedAndOneWhoseMetaDoesNotMatchIsProducedAgain() throws Exception {
        Path source = backOffice("bo.db", false);
        Path save = dir.resolve("public.db");
        SnapshotMeta first;
        try (Publisher p = publisher(source, save)) {
            p.start();
            assertThat(await(() -> p.lastMeta().isPresent())).isTrue();
            first = p.lastMeta().orElseThrow();
        }
        try (Publisher p = publisher(source, save)) {
            p.start();
            assertThat(p.lastMeta()).as("restored at start, as before").contains(first);
        }
        // the save path no longer matches its meta (a file put there by hand): produced again, not refused
        Files.delete(save);
        sql(save, "CREATE TABLE junk(x);");
        try (Publisher p = publisher(source, save)) {
            p.start();
            assertThat(await(() -> p.lastMeta().filter(m -> m.version() > first.version()).isPresent())).isTrue();
            assertThat(p.lastMeta().orElseThrow().hash()).isEqualTo(first.hash());
        }
        assertThat(tables(save)).containsExactly("t");
    }

    static List<String> tables(Path db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    static void sql(Path db, String script) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String statement : script.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
