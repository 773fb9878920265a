package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.column;
import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual tables are published only through their own SQL interface, from published data:
 * real source files with FTS3/4/5 tables in every form SQLite accepts, markers planted in
 * withheld rows and blanked columns, searched for in the snapshot's raw bytes (case-folded:
 * FTS stores folded tokens) and with {@code MATCH} on the snapshot.
 */
class VirtualTablesTest {
    /** Terms of withheld rows and blanked columns; their first letters start no other term. */
    private static final List<String> PRIVATE = List.of("qxnotesalpha", "zjwithheldbeta", "vkprivategamma",
            "wbnotesdelta", "hidden");

    @TempDir
    Path dir;

    private Path out() {
        return dir.resolve("out.db");
    }

    private ProductionReport produce(Path source, FilterSpec spec) {
        return SnapshotProducer.builder(source).integrityCheck(true).build().produce(out(), spec, 1);
    }

    /** Articles 1 and 3 are public, 2 is withheld; {@code notes} is blanked. */
    private Path articles(String... more) throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT, notes TEXT, public INT)",
                "INSERT INTO articles VALUES (1, 'open fox', 'brisk brown', 'qxnotesalpha', 1),"
                        + " (2, 'hidden fox', 'zjwithheldbeta', 'vkprivategamma', 0),"
                        + " (3, 'lazy dog', 'plain text', 'wbnotesdelta', 1)");
        exec(source, more);
        return source;
    }

    private static FilterSpec.Builder publishedArticles() {
        return FilterSpec.builder().partialTable("articles",
                PartialTable.where("public = 1", "id", "title", "body", "public"));
    }

    private void assertHoldsNoPrivateTerm() throws Exception {
        String bytes = new String(Files.readAllBytes(out()), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        for (String term : PRIVATE) {
            assertThat(bytes).as("raw bytes of the snapshot").doesNotContain(term);
        }
    }

    static Stream<Arguments> externalContentForms() {
        return Stream.of(
                Arguments.of("fts5", "title, body, notes, content=articles, content_rowid=id"),
                Arguments.of("\"fts5\"", "title, body, notes, CONTENT='articles', CONTENT_ROWID='id'"),
                Arguments.of("[FTS5]", "title, body, notes, c=\"articles\", content_r=[id]"),
                Arguments.of("`Fts5`", "title, body, notes, Content = `articles`"),
                Arguments.of("'fTS5'", "title, body, notes, cont=[articles], content_rowid = id"),
                Arguments.of("fts4", "title, body, notes, content=articles"),
                Arguments.of("\"FTS4\"", "title, body, notes, CONTENT=\"articles\""),
                Arguments.of("[fts4]", "title, body, notes, content='articles'"),
                Arguments.of("`Fts4`", "title, body, notes, Content=[articles]"),
                Arguments.of("'fts4'", "content=`articles`"));
    }

    @ParameterizedTest(name = "USING {0}({1})")
    @MethodSource("externalContentForms")
    void externalContentTablesIndexOnlyThePublishedContentTable(String module, String args) throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING " + module + "(" + args + ")",
                "INSERT INTO docs(docs) VALUES ('rebuild')");
        assertThat(column(source, "SELECT rowid FROM docs WHERE docs MATCH 'zjwithheldbeta'")).containsExactly(2);

        // the default producer (no integrity check): what a leak would ship, checked below
        ProductionReport report = SnapshotProducer.builder(source).build()
                .produce(out(), publishedArticles().fullTables("docs").build(), 1);

        assertThat(column(out(), "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid")).containsExactly(1);
        assertThat(column(out(), "SELECT rowid FROM docs WHERE docs MATCH 'lazy' ORDER BY rowid")).containsExactly(3);
        for (String term : PRIVATE) {
            assertThat(column(out(), "SELECT rowid FROM docs WHERE docs MATCH '" + term + "'")).as(term).isEmpty();
        }
        assertHoldsNoPrivateTerm();
        assertThat(value(out(), "SELECT count(*) FROM docs")).isEqualTo(2);
        assertThat(report.tables()).containsExactly(new TableReport("articles", 2, 1), new TableReport("docs", 2, 1));
        assertThat(value(out(), "PRAGMA integrity_check")).isEqualTo("ok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fts5(body, content=articles)", "\"fts5\"(body, c='articles')", "fts4(body, content=articles)",
        "[FTS4](body, CONTENT=\"articles\")"})
    void externalContentOverAnUnpublishedTableIsRefused(String using) throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING " + using, "INSERT INTO docs(docs) VALUES ('rebuild')");
        FilterSpec spec = FilterSpec.builder().fullTables("docs").build();
        for (ThrowingCallable call : List.<ThrowingCallable>of(() -> produce(source, spec),
                () -> FilterValidator.validateAgainst(spec, source))) {
            assertThatThrownBy(call).isInstanceOfSatisfying(FilterException.class, e -> {
                assertThat(e.table()).contains("docs");
                assertThat(e.getMessage()).contains("'docs'").contains("'articles'").contains("not published");
            });
        }
        assertThat(out()).doesNotExist();
    }

    @Test
    void rebuiltSnapshotsAreByteIdenticalAndIgnoreWritesToWithheldRows() throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts5(title, body, notes, content=articles)",
                "CREATE VIRTUAL TABLE old USING fts4(title, body, content=articles)",
                "INSERT INTO docs(docs) VALUES ('rebuild')", "INSERT INTO old(old) VALUES ('rebuild')");
        FilterSpec spec = publishedArticles().fullTables("docs", "old").build();
        String first = produce(source, spec).meta().hash();
        exec(source, "UPDATE articles SET body = 'changed', notes = 'changed' WHERE id = 2",
                "UPDATE articles SET notes = 'changed' WHERE id = 1", "INSERT INTO docs(docs) VALUES ('rebuild')");
        assertThat(produce(source, spec).meta().hash()).isEqualTo(first);
        exec(source, "UPDATE articles SET title = 'open cat' WHERE id = 1");
        assertThat(produce(source, spec).meta().hash()).isNotEqualTo(first);
        assertThat(column(out(), "SELECT rowid FROM old WHERE old MATCH 'cat'")).containsExactly(1);
    }

    @Test
    void aRebuildThatSqliteRefusesIsAFilterErrorNamingTheTable() throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts5(body, content=articles, content_rowid=nope)");
        assertThatThrownBy(() -> produce(source, publishedArticles().fullTables("docs").build()))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("docs");
                    assertThat(e.getMessage()).contains("'docs'").contains("rebuilt");
                });
        assertThat(out()).doesNotExist();
    }

    @Test
    void anOrdinaryTableNamedLikeTheShadowOfAnExternalContentTableIsNotMistakenForItsContent() throws Exception {
        // SQLite lets a user create docs_content beside an external-content docs (and lists it as a shadow table)
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts5(title, body, notes, content=articles)",
                "CREATE TABLE docs_content (id INTEGER PRIMARY KEY, c0 TEXT, c1 TEXT, c2 TEXT)",
                "INSERT INTO docs_content VALUES (2, 'hidden', 'zjwithheldbeta', 'vkprivategamma')",
                "INSERT INTO docs(docs) VALUES ('rebuild')");
        produce(source, publishedArticles().fullTables("docs").build());
        assertThat(column(out(), "SELECT rowid FROM docs WHERE docs MATCH 'fox'")).containsExactly(1);
        assertThat(column(out(), "SELECT name FROM sqlite_schema WHERE name = 'docs_content'")).isEmpty();
        assertHoldsNoPrivateTerm();
    }

    @Test
    void externalContentTablesArePublishedWholeOrNotAtAll() throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts4(body, content=articles)");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(publishedArticles()
                .filteredTable("docs", "body <> ''").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("'docs'").hasMessageContaining("whole");
    }

    @Test
    void externalContentOverAViewOrAVirtualTableIsRefused() throws Exception {
        Path source = articles("CREATE VIEW open_articles AS SELECT * FROM articles WHERE public = 1",
                "CREATE VIRTUAL TABLE own USING fts5(body)",
                "CREATE VIRTUAL TABLE over_view USING fts5(body, content=open_articles, content_rowid=id)",
                "CREATE VIRTUAL TABLE over_vtab USING fts5(body, content=own)");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(publishedArticles().views("open_articles")
                .fullTables("over_view").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("'over_view'")
                .hasMessageContaining("'open_articles'");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(publishedArticles()
                .fullTables("own", "over_vtab").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("'over_vtab'").hasMessageContaining("'own'");
    }

    @Test
    void aContentRowidOnABlankedColumnIsRefused() throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts5(body, content=articles, content_rowid=notes)");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(publishedArticles().fullTables("docs").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("'docs'").hasMessageContaining("'notes'")
                .hasMessageContaining("blanked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fts4(body, content='')", "FTS4(body, CONTENT=\"\")", "fts5(body, content='')",
        "[fts5](body, c=\"\", contentless_delete=1)"})
    void contentlessTablesAreRefused(String using) throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING " + using,
                "INSERT INTO docs(rowid, body) VALUES (7, 'zjwithheldbeta')");
        FilterSpec spec = publishedArticles().fullTables("docs").build();
        for (ThrowingCallable call : List.<ThrowingCallable>of(() -> produce(source, spec),
                () -> FilterValidator.validateAgainst(spec, source))) {
            assertThatThrownBy(call).isInstanceOf(FilterException.class).hasMessageContaining("'docs'")
                    .hasMessageContaining("contentless");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fts5vocab(docs, 'row')", "\"FTS5VOCAB\"(docs, instance)", "fts4aux(old)", "dbstat",
        "[fts3tokenize]"})
    void readOnlyVirtualTablesCannotBePublished(String using) throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts5(body)", "CREATE VIRTUAL TABLE old USING fts4(body)",
                "INSERT INTO docs VALUES ('zjwithheldbeta')", "CREATE VIRTUAL TABLE ro USING " + using);
        FilterSpec spec = FilterSpec.builder().fullTables("ro").build();
        for (ThrowingCallable call : List.<ThrowingCallable>of(() -> produce(source, spec),
                () -> FilterValidator.validateAgainst(spec, source))) {
            assertThatThrownBy(call).isInstanceOf(FilterException.class).hasMessageContaining("'ro'")
                    .hasMessageContaining("cannot be published").hasMessageNotContaining("may not be modified");
        }
    }

    @Test
    void fts4CompressFunctionsAreRefused() throws Exception {
        Path source = articles("CREATE VIRTUAL TABLE docs USING fts4(body, compress=zip, UNCOMPRESS='unzip')");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(FilterSpec.builder().fullTables("docs").build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("'docs'").hasMessageContaining("zip");
    }

    @Test
    void unknownModulesAreRefusedWhenListedAndIgnoredOtherwise() throws Exception {
        Path source = articles("PRAGMA writable_schema = ON",
                "INSERT INTO sqlite_schema VALUES ('table', 'ext', 'ext', 0, 'CREATE VIRTUAL TABLE ext USING \"csv\"(a)')");
        produce(source, publishedArticles().build());
        assertThat(column(out(), "SELECT name FROM sqlite_schema")).containsExactly("articles");
        assertThatThrownBy(() -> produce(source, FilterSpec.builder().fullTables("ext").build()))
                .isInstanceOf(FilterException.class).hasMessageContaining("'ext'").hasMessageContaining("'csv'");
    }

    @Test
    void ownContentTablesOfEveryFtsVersionAreRebuiltFromTheirPublishedRows() throws Exception {
        Path source = articles(
                "CREATE VIRTUAL TABLE f3 USING 'FTS3'(title, body, content=articles)",
                "CREATE VIRTUAL TABLE f4 USING [fts4](title, body, languageid=\"lid\", prefix='2')",
                "CREATE VIRTUAL TABLE f5 USING `fts5`(title, body, notes, content_rowid=id)",
                "INSERT INTO f3(docid, title, body, content) SELECT id, title, body, notes FROM articles",
                "INSERT INTO f4(docid, title, body, lid) SELECT id, title, body, 5 FROM articles",
                "INSERT INTO f5(rowid, title, body, notes) SELECT id, title, body, notes FROM articles");
        ProductionReport report = produce(source, FilterSpec.builder()
                .partialTable("f3", PartialTable.where("title NOT LIKE 'hidden%'", "title", "body"))
                .filteredTable("f4", "title NOT LIKE 'hidden%'")
                .partialTable("f5", PartialTable.where("title NOT LIKE 'hidden%'", "title", "body")).build());
        for (String t : List.of("f3", "f4", "f5")) {
            String language = t.equals("f4") ? " AND lid = 5" : "";
            assertThat(column(out(), "SELECT rowid FROM " + t + " WHERE " + t + " MATCH 'fox'" + language)).as(t)
                    .containsExactly(1);
            for (String term : PRIVATE) {
                assertThat(column(out(), "SELECT rowid FROM " + t + " WHERE " + t + " MATCH '" + term + "'" + language))
                        .as(t + " " + term).isEmpty();
            }
            assertThat(report.tables()).contains(new TableReport(t, 2, 1));
        }
        assertThat(column(out(), "SELECT lid FROM f4 ORDER BY docid")).as("FTS4 languageid").containsExactly(5, 5);
        assertHoldsNoPrivateTerm();
    }

    @Test
    void rtreeTablesArePublishedThroughTheirOwnInterface() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE VIRTUAL TABLE zones USING \"rtree\"(id, minx, maxx, miny, maxy, +label)",
                "CREATE VIRTUAL TABLE cells USING rtree_i32(id, x0, x1)",
                "INSERT INTO zones VALUES (1, 0, 1, 0, 1, 'north'), (2, 5, 6, 5, 6, 'zjwithheldbeta')",
                "INSERT INTO cells VALUES (1, 0, 10), (2, 20, 30)");
        ProductionReport report = produce(source, FilterSpec.builder().filteredTable("zones", "minx < 3")
                .fullTables("cells").build());
        assertThat(column(out(), "SELECT label FROM zones WHERE minx <= 0.5 AND maxx >= 0.5")).containsExactly("north");
        assertThat(column(out(), "SELECT id FROM cells WHERE x0 >= 15")).containsExactly(2);
        assertThat(report.tables()).containsExactly(new TableReport("cells", 2, 0), new TableReport("zones", 1, 1));
        assertHoldsNoPrivateTerm();
    }
}
