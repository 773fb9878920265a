package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.column;
import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.rows;
import static dev.dbsync.filter.SqliteFiles.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.HeaderField;
import dev.dbsync.api.PartialTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotProducerTest {
    @TempDir
    Path dir;
    Path source;
    Path out;

    @BeforeEach
    void createSource() throws Exception {
        source = dir.resolve("bo.db");
        out = dir.resolve("public.db");
        exec(source,
                "PRAGMA journal_mode = WAL",
                "PRAGMA user_version = 7",
                "PRAGMA application_id = 1397048146",
                "CREATE TABLE badges (id INTEGER PRIMARY KEY, label TEXT)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, visibility TEXT NOT NULL)",
                "CREATE INDEX posts_by_title ON posts(title)",
                "CREATE TABLE users (user_id INTEGER PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL UNIQUE,"
                        + " age INT NOT NULL, score REAL NOT NULL, bio BLOB, is_active INTEGER NOT NULL,"
                        + " CHECK (length(email) > 3))",
                "CREATE INDEX users_by_email ON users(email)",
                "CREATE INDEX users_by_name ON users(username)",
                "CREATE TABLE secrets (k TEXT, v TEXT)",
                "CREATE TRIGGER posts_audit AFTER INSERT ON posts BEGIN INSERT INTO secrets VALUES ('t', new.title); END",
                "CREATE VIEW public_posts AS SELECT id, title FROM posts WHERE visibility = 'public'",
                "CREATE VIEW leaky AS SELECT * FROM secrets",
                "INSERT INTO badges VALUES (1, 'gold'), (2, 'silver')",
                "INSERT INTO posts VALUES (1, 'hello', 'public'), (2, 'private-draft', 'private'), (3, 'news', 'public')",
                "INSERT INTO users VALUES (1, 'ann', 'ann@x.org', 31, 1.5, X'01', 1), (2, 'bob', 'bob@x.org', 40, 2.5, X'02', 0),"
                        + " (3, 'cy', 'cy@x.org', 22, 3.5, NULL, 1)",
                "INSERT INTO secrets VALUES ('api', 'hunter2')");
    }

    private FilterSpec spec() {
        return FilterSpec.builder()
                .fullTables("badges")
                .filteredTable("posts", "visibility = 'public'")
                .partialTable("users", PartialTable.where("is_active = 1", "user_id", "username"))
                .build();
    }

    private SnapshotProducer producer() {
        return SnapshotProducer.builder(source).integrityCheck(true).build();
    }

    @Test
    void publishesOnlyListedTablesRowsAndColumns() throws Exception {
        ProductionReport report = producer().produce(out, spec(), 5);

        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"))
                .containsExactly("badges", "posts", "users");
        assertThat(column(out, "SELECT title FROM posts ORDER BY id")).containsExactly("hello", "news");
        assertThat(rows(out, "SELECT user_id, username, email, age, score, bio, is_active FROM users ORDER BY user_id"))
                .containsExactly(List.of(1, "ann", "", 0, 0.0, List.of(), 0).stream().map(o -> o instanceof List ? null : o).toList(),
                        List.of(3, "cy", "", 0, 0.0, List.of(), 0).stream().map(o -> o instanceof List ? null : o).toList());
        assertThat(value(out, "SELECT typeof(score) FROM users LIMIT 1")).isEqualTo("real");
        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"))
                .containsExactly("posts_by_title", "users_by_name");
        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type IN ('trigger', 'view')")).isEmpty();
        assertThat(value(out, "PRAGMA user_version")).as("not in the spec's header fields").isEqualTo(0);
        assertThat(value(out, "PRAGMA application_id")).as("not in the spec's header fields").isEqualTo(0);
        assertThat(value(out, "PRAGMA journal_mode")).isEqualTo("delete");
        assertThat(value(out, "PRAGMA freelist_count")).isEqualTo(0);
        assertThat(value(out, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(value(out, "PRAGMA page_size")).isEqualTo(4096);
        assertThat(Files.exists(Path.of(out + "-wal"))).isFalse();
        assertThat(Files.exists(Path.of(out + "-shm"))).isFalse();
        assertThat(Files.exists(Path.of(out + "-journal"))).isFalse();

        assertThat(report.tables()).containsExactly(new TableReport("badges", 2, 0), new TableReport("posts", 2, 1),
                new TableReport("users", 2, 1));
        assertThat(report.meta().version()).isEqualTo(5);
        assertThat(report.meta().size()).isEqualTo(Files.size(out)).isEqualTo(report.bytes());
        assertThat(report.meta().hash()).isEqualTo(Sha256.of(out));
        assertThat(report.meta().compressed()).isFalse();
        assertThat(report.elapsed()).isPositive();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("dbsync-tmp"));
        }
    }

    @Test
    void sameSourceAndSpecGiveByteIdenticalFilesAndUnpublishedWritesKeepTheHash() throws Exception {
        String first = producer().produce(out, spec(), 1).meta().hash();
        Path other = dir.resolve("again.db");
        assertThat(producer().produce(other, spec(), 2).meta().hash()).isEqualTo(first);
        assertThat(Files.readAllBytes(other)).isEqualTo(Files.readAllBytes(out));

        exec(source, "INSERT INTO secrets VALUES ('new', 'secret')",
                "UPDATE users SET email = 'changed@x.org' WHERE user_id = 1",
                "INSERT INTO posts VALUES (9, 'draft', 'private')");
        assertThat(producer().produce(out, spec(), 3).meta().hash()).isEqualTo(first);

        FilterSpec reordered = FilterSpec.builder()
                .partialTable("USERS", PartialTable.where("is_active = 1", "username", "user_id"))
                .filteredTable("posts", "visibility = 'public'")
                .fullTables("Badges")
                .build();
        assertThat(producer().produce(out, reordered, 4).meta().hash()).isEqualTo(first);

        exec(source, "INSERT INTO posts VALUES (10, 'out now', 'public')");
        assertThat(producer().produce(out, spec(), 5).meta().hash()).isNotEqualTo(first);
    }

    @Test
    void headerFieldsThatCountTransactionsAreFixed() throws Exception {
        producer().produce(out, spec(), 1);
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(Files.readAllBytes(out), 0, 100);
        assertThat(header.getShort(16) & 0xFFFF).isEqualTo(4096);
        assertThat(header.get(18)).as("legacy (non-WAL) write version").isEqualTo((byte) 1);
        assertThat(header.get(19)).as("legacy (non-WAL) read version").isEqualTo((byte) 1);
        assertThat(header.getInt(24)).as("file change counter").isEqualTo(1);
        assertThat(header.getInt(92)).as("version-valid-for").isEqualTo(1);
        assertThat(header.getInt(28)).as("pages in header").isEqualTo((int) (Files.size(out) / 4096));
        assertThat(header.getInt(36)).as("free pages").isZero();
        assertThat(header.getInt(60)).as("user_version, not listed").isZero();
        assertThat(header.getInt(68)).as("application_id, not listed").isZero();
    }

    @Test
    void aSpecThatPublishesNothingGivesAValidEmptyDatabase() throws Exception {
        producer().produce(out, FilterSpec.builder().build(), 1);
        assertThat(value(out, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(value(out, "SELECT count(*) FROM sqlite_schema")).isEqualTo(0);
        assertThat(Files.size(out)).isEqualTo(4096);
    }

    @Test
    void headerFieldsAreCopiedOnlyWhenTheSpecListsThem() throws Exception {
        producer().produce(out, spec().toBuilder().headerFields(HeaderField.USER_VERSION).build(), 1);
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(Files.readAllBytes(out), 0, 100);
        assertThat(header.getInt(60)).as("user_version, listed").isEqualTo(7);
        assertThat(header.getInt(68)).as("application_id, not listed").isZero();

        producer().produce(out, spec().toBuilder().headerFields(HeaderField.values()).build(), 2);
        assertThat(value(out, "PRAGMA user_version")).isEqualTo(7);
        assertThat(value(out, "PRAGMA application_id")).isEqualTo(1397048146);
    }

    @Test
    void temporaryFilesLeftByACrashedProductionAreRemoved() throws Exception {
        Path stale = Files.writeString(dir.resolve(".public.db.12345.dbsync-tmp"), "half-written");
        Path staleJournal = Files.writeString(dir.resolve(".public.db.12345.dbsync-tmp-journal"), "x");
        Path unrelated = Files.writeString(dir.resolve(".other.db.1.dbsync-tmp"), "not ours");
        producer().produce(out, spec(), 1);
        assertThat(stale).doesNotExist();
        assertThat(staleJournal).doesNotExist();
        assertThat(unrelated).exists();
    }

    @Test
    void listedViewsArePublishedAndMustCompileAgainstPublishedTables() throws Exception {
        producer().produce(out, spec().toBuilder().views("public_posts").build(), 1);
        assertThat(column(out, "SELECT title FROM public_posts ORDER BY id")).containsExactly("hello", "news");

        byte[] before = Files.readAllBytes(out);
        assertThatThrownBy(() -> producer().produce(out, spec().toBuilder().views("leaky").build(), 2))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("leaky");
                    assertThat(e.getMessage()).contains("leaky").contains("secrets");
                });
        assertThat(Files.readAllBytes(out)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("dbsync-tmp"));
        }
    }

    @Test
    void unknownNamesAndUncompilableClausesFailBeforeAnythingIsWritten() throws Exception {
        assertThatThrownBy(() -> producer().produce(out, FilterSpec.builder().fullTables("nope").build(), 1))
                .isInstanceOf(FilterException.class).hasMessageContaining("'nope'").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> producer().produce(out, FilterSpec.builder()
                .partialTable("users", PartialTable.of("user_id", "nickname")).build(), 1))
                .isInstanceOf(FilterException.class).hasMessageContaining("nickname");
        assertThatThrownBy(() -> producer().produce(out, FilterSpec.builder()
                .filteredTable("posts", "visibilty = 'public'").build(), 1))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("posts");
                    assertThat(e.getMessage()).contains("no such column: visibilty");
                });
        assertThatThrownBy(() -> producer().produce(out, FilterSpec.builder().views("nope_view").build(), 1))
                .isInstanceOf(FilterException.class).hasMessageContaining("nope_view");
        assertThatThrownBy(() -> producer().produce(out, FilterSpec.builder()
                .filteredTable("posts", "1=1) OR (1=1").build(), 1))
                .isInstanceOf(FilterException.class).hasMessageContaining("position 3");
        assertThat(Files.exists(out)).isFalse();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("dbsync-tmp"));
        }
    }

    @Test
    void validateAgainstChecksNamesAndCompilesClauses() {
        FilterValidator.validateAgainst(spec(), source);
        assertThatThrownBy(() -> FilterValidator.validateAgainst(FilterSpec.builder()
                .filteredTable("posts", "lower(titel) = 'x'").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("no such column: titel");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(FilterSpec.builder()
                .fullTables("public_posts").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("is a view");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(spec().toBuilder().views("leaky").build(), source))
                .as("a view production would refuse is refused before production")
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("leaky");
                    assertThat(e.getMessage()).contains("leaky").contains("secrets");
                });
    }

    @Test
    void validateAgainstAnOpenConnectionLeavesItOpenAndUsable() throws Exception {
        try (java.sql.Connection c = SqliteFiles.open(source)) {
            FilterValidator.validateAgainst(spec().toBuilder().views("public_posts").build(), c);
            assertThatThrownBy(() -> FilterValidator.validateAgainst(FilterSpec.builder()
                    .partialTable("Users", PartialTable.of("USER_ID", "missing_col")).build(), c))
                    .isInstanceOfSatisfying(FilterException.class, e -> {
                        assertThat(e.table()).contains("Users");
                        assertThat(e.getMessage()).contains("missing_col");
                    });
            assertThat(c.isClosed()).isFalse();
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM users")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
        }
    }
}
