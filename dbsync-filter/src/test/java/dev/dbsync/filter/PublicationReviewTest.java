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
import dev.dbsync.filter.PublicationReview.Disposition;
import dev.dbsync.filter.PublicationReview.Entry;
import dev.dbsync.filter.PublicationReview.ObjectKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publication plan ({@link FilterValidator#plan}) over a real source with every kind of
 * object, and its agreement with what {@link SnapshotProducer} actually writes.
 */
class PublicationReviewTest {
    private static final FilterSpec SPEC = FilterSpec.builder()
            .partialTable("users", PartialTable.of("id", "name", "name_upper"))
            .filteredTable("posts", "public = 1")
            .fullTables("tags", "counters", "docs", "docs_fts", "notes_fts", "places")
            .views("public_posts")
            .headerFields(HeaderField.USER_VERSION)
            .build();

    @TempDir
    Path dir;

    private Path source() throws Exception {
        Path db = dir.resolve("src.db");
        exec(db, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT CHECK (name <> email),"
                        + " email TEXT NOT NULL DEFAULT 'nobody@example.org', score INT,"
                        + " name_upper TEXT GENERATED ALWAYS AS (upper(name)),"
                        + " email_domain TEXT GENERATED ALWAYS AS (substr(email, instr(email, '@'))),"
                        + " CHECK (length(email) > 3))",
                "CREATE INDEX users_email ON users(email)",
                "CREATE INDEX users_name ON users(name)",
                "INSERT INTO users (id, name, email, score) VALUES (1, 'ada', 'ada@example.org', 5),"
                        + " (2, 'bob', 'bob@example.org', 9)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INT, body TEXT, public INT)",
                "CREATE INDEX posts_user ON posts(user_id)",
                "INSERT INTO posts VALUES (1, 1, 'hello', 1), (2, 2, 'secret', 0), (3, 1, 'gone', 1)",
                "DELETE FROM posts WHERE id = 3",
                "CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, n INT)",
                "INSERT INTO counters VALUES (1, 1), (2, 2), (9, 9)",
                "DELETE FROM counters WHERE id = 9",
                "ANALYZE",
                "CREATE TABLE tags (tag TEXT PRIMARY KEY) WITHOUT ROWID",
                "INSERT INTO tags VALUES ('news')",
                "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at INT, what TEXT)",
                "CREATE INDEX audit_at ON audit_log(at)",
                "CREATE TRIGGER audit AFTER INSERT ON users BEGIN INSERT INTO audit_log(at, what)"
                        + " VALUES (0, new.email); END",
                "CREATE VIEW public_posts AS SELECT id, body FROM posts",
                "CREATE VIEW user_emails AS SELECT name, email FROM users",
                "CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT)",
                "INSERT INTO docs VALUES (1, 'brown fox')",
                "CREATE VIRTUAL TABLE docs_fts USING fts5(body, content='docs', content_rowid='id')",
                "INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')",
                "CREATE VIRTUAL TABLE notes_fts USING fts4(text)",
                "INSERT INTO notes_fts VALUES ('a note')",
                "CREATE VIRTUAL TABLE places USING rtree(id, minx, maxx, miny, maxy)",
                "INSERT INTO places VALUES (1, 0, 1, 0, 1)",
                "CREATE VIRTUAL TABLE secret_fts USING fts5(x)",
                "INSERT INTO secret_fts VALUES ('private words')",
                "PRAGMA user_version = 7",
                "PRAGMA application_id = 42");
        return db;
    }

    private static Entry entry(PublicationReview plan, ObjectKind kind, String parent, String name) {
        return plan.find(kind, parent, name)
                .orElseThrow(() -> new AssertionError("no entry " + kind + " " + parent + "." + name + " in "
                        + plan.entries()));
    }

    private static void assertEntry(PublicationReview plan, ObjectKind kind, String parent, String name,
            Disposition disposition, String... reasonParts) {
        Entry e = entry(plan, kind, parent, name);
        assertThat(e.disposition()).as(e.toString()).isEqualTo(disposition);
        assertThat(e.reason()).as(e.toString()).contains(reasonParts);
    }

    @Test
    void everyObjectOfTheSourceHasItsDispositionAndItsCause() throws Exception {
        PublicationReview plan = FilterValidator.plan(SPEC, source());

        assertEntry(plan, ObjectKind.HEADER, null, "user_version", Disposition.PUBLISHED, "value 7", "listed");
        assertEntry(plan, ObjectKind.HEADER, null, "application_id", Disposition.ABSENT,
                "not listed in the spec's header", "0 in the snapshot");
        assertEntry(plan, ObjectKind.HEADER, null, "encoding", Disposition.PUBLISHED, "UTF-8");
        assertEntry(plan, ObjectKind.HEADER, null, "page_size", Disposition.REBUILT, "producer");

        assertEntry(plan, ObjectKind.TABLE, null, "users", Disposition.PUBLISHED, "columns id, name, name_upper",
                "partial");
        assertEntry(plan, ObjectKind.TABLE, null, "posts", Disposition.PUBLISHED, "rows where public = 1");
        assertEntry(plan, ObjectKind.TABLE, null, "tags", Disposition.PUBLISHED, "every row, every column");
        assertEntry(plan, ObjectKind.TABLE, null, "audit_log", Disposition.ABSENT, "not in the spec");
        assertEntry(plan, ObjectKind.TABLE, null, "sqlite_sequence", Disposition.REBUILT, "counters, posts",
                "not copied");
        assertEntry(plan, ObjectKind.TABLE, null, "sqlite_stat1", Disposition.ABSENT, "statistics");

        assertEntry(plan, ObjectKind.COLUMN, "users", "name", Disposition.PUBLISHED, "listed in partial table users");
        assertEntry(plan, ObjectKind.COLUMN, "users", "name_upper", Disposition.PUBLISHED, "generated");
        assertEntry(plan, ObjectKind.COLUMN, "users", "email", Disposition.BLANKED,
                "not listed in partial table users", "''", "NOT NULL");
        assertEntry(plan, ObjectKind.COLUMN, "users", "score", Disposition.BLANKED, "NULL");
        assertEntry(plan, ObjectKind.COLUMN, "users", "email_domain", Disposition.BLANKED, "generated column");
        assertEntry(plan, ObjectKind.COLUMN, "posts", "body", Disposition.PUBLISHED, "every column");
        assertThat(plan.find(ObjectKind.COLUMN, "audit_log", "what")).as("no column of an absent table").isEmpty();

        assertEntry(plan, ObjectKind.INDEX, "users", "users_email", Disposition.DROPPED,
                "mentions blanked column email");
        assertEntry(plan, ObjectKind.INDEX, "users", "users_name", Disposition.PUBLISHED, "built");
        assertEntry(plan, ObjectKind.INDEX, "posts", "posts_user", Disposition.PUBLISHED, "built");
        assertEntry(plan, ObjectKind.INDEX, "audit_log", "audit_at", Disposition.ABSENT,
                "table audit_log is not published");
        assertEntry(plan, ObjectKind.CONSTRAINT, "users", "CHECK (length(email) > 3)", Disposition.DROPPED,
                "mentions blanked column email");
        assertEntry(plan, ObjectKind.CONSTRAINT, "users", "CHECK (name <> email)", Disposition.DROPPED,
                "constraint of column name", "mentions blanked column email");

        assertEntry(plan, ObjectKind.TRIGGER, "users", "audit", Disposition.DROPPED, "never published");
        assertEntry(plan, ObjectKind.VIEW, null, "public_posts", Disposition.PUBLISHED, "listed in the spec");
        assertEntry(plan, ObjectKind.VIEW, null, "user_emails", Disposition.ABSENT, "not in the spec");

        assertEntry(plan, ObjectKind.VIRTUAL_TABLE, null, "docs_fts", Disposition.REBUILT,
                "external content over published table docs");
        assertEntry(plan, ObjectKind.VIRTUAL_TABLE, null, "notes_fts", Disposition.REBUILT, "fts4",
                "its own rows");
        assertEntry(plan, ObjectKind.VIRTUAL_TABLE, null, "places", Disposition.REBUILT, "rtree", "its own rows");
        assertEntry(plan, ObjectKind.VIRTUAL_TABLE, null, "secret_fts", Disposition.ABSENT, "not in the spec");
        assertEntry(plan, ObjectKind.SHADOW_TABLE, "docs_fts", "docs_fts_data", Disposition.REBUILT, "fts5");
        assertEntry(plan, ObjectKind.SHADOW_TABLE, "notes_fts", "notes_fts_content", Disposition.REBUILT, "fts4");
        assertEntry(plan, ObjectKind.SHADOW_TABLE, "places", "places_node", Disposition.REBUILT, "rtree");
        assertEntry(plan, ObjectKind.SHADOW_TABLE, "secret_fts", "secret_fts_content", Disposition.ABSENT,
                "virtual table secret_fts is not published");
    }

    @Test
    void entriesAreSortedByKindThenParentThenNameAsSqliteFolds() throws Exception {
        PublicationReview plan = FilterValidator.plan(SPEC, source());
        List<Entry> entries = plan.entries();
        List<Entry> reversed = new ArrayList<>(entries);
        java.util.Collections.reverse(reversed);
        assertThat(new PublicationReview(reversed).entries()).isEqualTo(entries);
        assertThat(plan.entries(ObjectKind.TABLE)).extracting(Entry::name)
                .containsExactly("audit_log", "counters", "docs", "posts", "sqlite_sequence", "sqlite_stat1",
                        "sqlite_stat4", "tags", "users");
        assertThat(entries).extracting(Entry::kind).isSorted();
    }

    @Test
    void aSpecThatDoesNotFitHasNoPlanButTheErrorNamingTheThingAtFault() throws Exception {
        Path db = source();
        FilterSpec bad = FilterSpec.builder().partialTable("users", PartialTable.of("id", "nope")).build();
        assertThatThrownBy(() -> FilterValidator.plan(bad, db)).isInstanceOf(FilterException.class)
                .hasMessageContaining("nope");
    }

    /**
     * What the plan says is what production does: every object it publishes, blanks or
     * rebuilds is in the snapshot, every object it drops or leaves absent is not, and the
     * snapshot holds nothing the plan does not list as published.
     */
    @Test
    void thePlanAndProductionAgree() throws Exception {
        Path source = source();
        PublicationReview plan = FilterValidator.plan(SPEC, source);
        Path out = dir.resolve("out.db");
        SnapshotProducer.builder(source).integrityCheck(true).build().produce(out, SPEC, 1);

        assertThat(PlanAgreement.violations(plan, source, out)).isEmpty();
        assertThat(rows(out, "SELECT name, seq FROM sqlite_sequence ORDER BY name")).as("counters of published rows")
                .containsExactly(List.of("counters", 2), List.of("posts", 1));
        assertThat(rows(out, "SELECT email, score FROM users")).containsOnly(java.util.Arrays.asList("", null));
    }
}
