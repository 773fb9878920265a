package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.column;
import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.rows;
import static dev.dbsync.filter.SqliteFiles.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaFeaturesTest {
    @TempDir
    Path dir;

    private ProductionReport produce(Path source, FilterSpec spec) {
        return SnapshotProducer.builder(source).integrityCheck(true).build().produce(dir.resolve("out.db"), spec, 1);
    }

    @Test
    void uniqueAndCheckConstraintsOnBlankedColumnsDoNotFailProduction() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        + " email TEXT NOT NULL CONSTRAINT one_email UNIQUE ON CONFLICT ABORT CHECK (email LIKE '%@%'),"
                        + " phone INTEGER NOT NULL, code TEXT NOT NULL UNIQUE,"
                        + " UNIQUE (phone, name), CONSTRAINT pos CHECK (phone > 0))",
                "CREATE TABLE tags (ref TEXT NOT NULL PRIMARY KEY, label TEXT)",
                "INSERT INTO tags VALUES ('r1', 'one'), ('r2', 'two')",
                "CREATE UNIQUE INDEX accounts_phone ON accounts(phone)",
                "CREATE INDEX accounts_lower_email ON accounts(lower(email))",
                "CREATE INDEX accounts_name ON accounts(name) WHERE code <> ''",
                "CREATE INDEX accounts_name_only ON accounts(name)",
                "INSERT INTO accounts VALUES (1, 'a', 'a@x', 5551, 'c1'), (2, 'b', 'b@x', 5552, 'c2')");
        produce(source, FilterSpec.builder().partialTable("accounts", PartialTable.of("id", "name"))
                .partialTable("tags", PartialTable.of("label")).build());
        Path out = dir.resolve("out.db");
        assertThat(rows(out, "SELECT id, name, email, phone, code FROM accounts ORDER BY id"))
                .containsExactly(List.of(1, "a", "", 0, ""), List.of(2, "b", "", 0, ""));
        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"))
                .containsExactly("accounts_name_only");
        assertThat((String) value(out, "SELECT sql FROM sqlite_schema WHERE name = 'accounts'"))
                .doesNotContainIgnoringCase("unique").doesNotContainIgnoringCase("check")
                .contains("\"email\" TEXT NOT NULL");
        assertThat(rows(out, "SELECT ref, label FROM tags ORDER BY rowid"))
                .containsExactly(List.of("", "one"), List.of("", "two"));
    }

    @Test
    void generatedWithoutRowidAutoincrementAndStrictTablesWork() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, price REAL NOT NULL, qty INT NOT NULL,"
                        + " total REAL GENERATED ALWAYS AS (price * qty) STORED, label TEXT AS (upper(name)),"
                        + " name TEXT)",
                "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, hidden TEXT) WITHOUT ROWID",
                "CREATE TABLE typed (id INTEGER PRIMARY KEY, n INT NOT NULL, r REAL NOT NULL, t TEXT NOT NULL,"
                        + " b BLOB NOT NULL, a ANY NOT NULL) STRICT",
                "INSERT INTO items (price, qty, name) VALUES (2.5, 2, 'pen'), (1.0, 10, 'clip'), (9.0, 1, 'book')",
                "DELETE FROM items WHERE id = 3",
                "INSERT INTO kv VALUES ('z', 'last', 'h1'), ('a', 'first', 'h2'), ('m', 'mid', 'h3')",
                "INSERT INTO typed VALUES (1, 5, 1.5, 'x', X'AA', 'any')");
        produce(source, FilterSpec.builder()
                .filteredTable("items", "qty > 1")
                .partialTable("kv", PartialTable.where("k <> 'm'", "k", "v"))
                .partialTable("typed", PartialTable.of("id"))
                .build());
        Path out = dir.resolve("out.db");
        assertThat(rows(out, "SELECT id, total, label FROM items ORDER BY id"))
                .containsExactly(List.of(1, 5.0, "PEN"), List.of(2, 10.0, "CLIP"));
        assertThat(rows(out, "SELECT name, seq FROM sqlite_sequence")).containsExactly(List.of("items", 2));
        assertThat(rows(out, "SELECT k, v, hidden FROM kv")).containsExactly(
                java.util.Arrays.asList("a", "first", null), java.util.Arrays.asList("z", "last", null));
        assertThat(value(out, "SELECT sql FROM sqlite_schema WHERE name = 'kv'").toString()).contains("WITHOUT ROWID");
        assertThat(rows(out, "SELECT n, r, t, hex(b), typeof(b), a FROM typed"))
                .containsExactly(List.of(0, 0.0, "", "", "blob", ""));
        assertThat(value(out, "SELECT sql FROM sqlite_schema WHERE name = 'typed'").toString()).endsWith("STRICT");
    }

    @Test
    void withoutRowidPartialTablesMustPublishTheirPrimaryKey() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
        assertThatThrownBy(() -> produce(source, FilterSpec.builder().partialTable("kv", PartialTable.of("v")).build()))
                .isInstanceOf(FilterException.class).hasMessageContaining("PRIMARY KEY column 'k'");
    }

    @Test
    void fts5TablesAreRebuiltBySqliteAndMatchOnlyPublishedRows() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE VIRTUAL TABLE docs USING fts5(title, body)",
                "INSERT INTO docs (rowid, title, body) VALUES (1, 'public note', 'quick brown fox'),"
                        + " (2, 'private note', 'secret brown bear'), (3, 'other', 'lazy fox')",
                "CREATE TABLE articles (id INTEGER PRIMARY KEY, body TEXT, public INT)",
                "CREATE VIRTUAL TABLE articles_fts USING fts5(body, content='articles', content_rowid='id')",
                "INSERT INTO articles VALUES (1, 'open fox', 1), (2, 'hidden fox', 0)",
                "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')");
        ProductionReport report = produce(source, FilterSpec.builder()
                .filteredTable("docs", "title NOT LIKE 'private%'")
                .filteredTable("articles", "public = 1")
                .fullTables("articles_fts")
                .build());
        Path out = dir.resolve("out.db");
        assertThat(column(out, "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid")).containsExactly(1, 3);
        assertThat(column(out, "SELECT rowid FROM docs WHERE docs MATCH 'bear'")).isEmpty();
        assertThat(column(out, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'fox'")).containsExactly(1);
        assertThat(value(out, "SELECT count(*) FROM sqlite_schema WHERE name = 'docs_data'")).isEqualTo(1);
        assertThat(report.tables()).contains(new TableReport("docs", 2, 1));
        assertThatThrownBy(() -> produce(source, FilterSpec.builder().fullTables("docs_data").build()))
                .isInstanceOf(FilterException.class).hasMessageContaining("shadow table");
    }
}
