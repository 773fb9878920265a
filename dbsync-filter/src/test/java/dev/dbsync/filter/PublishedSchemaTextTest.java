package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.column;
import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.rows;
import static dev.dbsync.filter.SqliteFiles.schemaText;
import static dev.dbsync.filter.SqliteFiles.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema text of a snapshot carries no private data: no comment of any published
 * statement, no clause of a blanked column beyond its name and type, no index or constraint
 * that mentions a blanked column; and blanked columns never make production fail.
 */
class PublishedSchemaTextTest {
    @TempDir
    Path dir;

    private Path produce(Path source, FilterSpec spec) {
        return SqliteFiles.produce(dir, source, spec);
    }

    @Test
    void commentsOfEveryPublishedStatementAreStripped() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE whole (id INTEGER PRIMARY KEY, -- MkComment1 full table\n name TEXT /* MkComment2 */)",
                "CREATE TABLE rows_of (id INTEGER PRIMARY KEY /* MkComment3 */, pub INT)",
                "CREATE TABLE cols_of (id INTEGER PRIMARY KEY, name TEXT -- MkComment4\n, hidden TEXT /* MkComment5 */)",
                "CREATE INDEX whole_name ON whole(name /* MkComment6 */)",
                "CREATE INDEX rows_pub ON rows_of(pub) -- MkComment7\n WHERE pub > 0",
                "CREATE INDEX cols_name ON cols_of(/* MkComment8 */ name)",
                "CREATE VIEW names AS SELECT /* MkComment9 */ name FROM whole -- MkComment10\n WHERE id > 0",
                "CREATE VIRTUAL TABLE boxes USING rtree(id, /* MkComment11 */ x0, x1)",
                "CREATE VIRTUAL TABLE notes USING fts5(/* MkComment12 */ body)",
                "INSERT INTO whole VALUES (1, 'w')", "INSERT INTO rows_of VALUES (1, 1), (2, 0)",
                "INSERT INTO cols_of VALUES (1, 'c', 'h')", "INSERT INTO boxes VALUES (1, 0, 1)",
                "INSERT INTO notes (rowid, body) VALUES (1, 'hello world')");
        Path out = produce(source, FilterSpec.builder().fullTables("whole", "boxes", "notes")
                .filteredTable("rows_of", "pub = 1").partialTable("cols_of", PartialTable.of("id", "name"))
                .views("names").build());

        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type IN ('index', 'view') ORDER BY name"))
                .containsExactly("cols_name", "names", "rows_pub", "whole_name");
        assertThat(schemaText(out)).doesNotContainIgnoringCase("MkComment").doesNotContain("--").doesNotContain("/*");
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkComment");
        assertThat(column(out, "SELECT name FROM names")).containsExactly("w");
        assertThat(column(out, "SELECT rowid FROM notes WHERE notes MATCH 'hello'")).containsExactly(1);
        assertThat(column(out, "SELECT id FROM boxes WHERE x0 >= 0")).containsExactly(1);
    }

    @Test
    void aBlankedColumnKeepsOnlyItsNameTypeAndNotNull() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE mk_ref_target (code TEXT PRIMARY KEY)",
                "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT,"
                        + " ssn VARCHAR(11) CONSTRAINT mk_constraint_name NOT NULL DEFAULT 'MkDefaultLiteral'"
                        + " COLLATE NOCASE CHECK (ssn <> 'MkCheckLiteral') REFERENCES mk_ref_target(code),"
                        + " pin INT DEFAULT (-4242) UNIQUE,"
                        + " FOREIGN KEY (ssn) REFERENCES mk_ref_target(code), CHECK (pin <> 'MkTableCheck'))",
                "INSERT INTO acct VALUES (1, 'ann', '123-45-6789', 1234)");
        Path out = produce(source, FilterSpec.builder().partialTable("acct", PartialTable.of("id", "name")).build());

        String ddl = (String) value(out, "SELECT sql FROM sqlite_schema WHERE name = 'acct'");
        assertThat(ddl).isEqualTo("CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT,"
                + " \"ssn\" TEXT NOT NULL, \"pin\" INTEGER)");
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkDefault").doesNotContainIgnoringCase("MkCheck")
                .doesNotContainIgnoringCase("mk_ref_target").doesNotContainIgnoringCase("mk_constraint")
                .doesNotContainIgnoringCase("MkTableCheck").doesNotContain("4242").doesNotContain("123-45");
        assertThat(rows(out, "SELECT id, name, ssn, pin FROM acct")).containsExactly(Arrays.asList(1, "ann", "", null));
    }

    @Test
    void uniqueIndexOnAStringQuotedBlankedColumnIsDroppedAndProductionSucceeds() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL)",
                "CREATE UNIQUE INDEX acct_email ON acct('email')",
                "CREATE INDEX acct_name ON acct(name)",
                "CREATE INDEX acct_name_where ON acct(name) WHERE email LIKE '%@x'",
                "CREATE INDEX acct_expr ON acct(name || email)",
                "INSERT INTO acct VALUES (1, 'a', 'MkMailOne@x'), (2, 'b', 'MkMailTwo@x')");
        Path out = produce(source, FilterSpec.builder().partialTable("acct", PartialTable.of("id", "name")).build());

        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"))
                .containsExactly("acct_name");
        assertThat(column(out, "SELECT email FROM acct ORDER BY id")).containsExactly("", "");
        assertThat(schemaText(out)).doesNotContainIgnoringCase("unique");
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkMail");
    }

    @Test
    void tableConstraintsOnAStringQuotedBlankedColumnAreDroppedAndProductionSucceeds() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL, UNIQUE ('email'),"
                        + " UNIQUE (name, 'email'), CHECK (name <> 'x'))",
                "INSERT INTO acct VALUES (1, 'a', 'MkMailOne@x'), (2, 'a', 'MkMailTwo@x')");
        Path out = produce(source, FilterSpec.builder().partialTable("acct", PartialTable.of("id", "name")).build());

        assertThat(value(out, "SELECT sql FROM sqlite_schema WHERE name = 'acct'")).isEqualTo(
                "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT, \"email\" TEXT NOT NULL, CHECK (name <> 'x'))");
        assertThat(column(out, "SELECT email FROM acct ORDER BY id")).containsExactly("", "");
    }

    @Test
    void checkOnAPublishedColumnThatReadsABlankedOneIsDroppedAndProductionSucceeds() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT CHECK (length(email) > 3) NOT NULL,"
                        + " email TEXT NOT NULL, age INT CHECK (age >= 0))",
                "INSERT INTO acct VALUES (1, 'ann', 'ann@x', 30)");
        Path out = produce(source, FilterSpec.builder()
                .partialTable("acct", PartialTable.of("id", "name", "age")).build());

        assertThat(value(out, "SELECT sql FROM sqlite_schema WHERE name = 'acct'")).isEqualTo(
                "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT NOT NULL, \"email\" TEXT NOT NULL,"
                        + " age INT CHECK (age >= 0))");
        assertThat(rows(out, "SELECT id, name, email, age FROM acct")).containsExactly(List.of(1, "ann", "", 30));
    }

    @Test
    void aListedGeneratedColumnReadingABlankedColumnIsAnErrorNamingBoth() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE items (id INTEGER PRIMARY KEY, price REAL, qty INT,"
                + " total REAL GENERATED ALWAYS AS (price * qty) STORED)");
        FilterSpec spec = FilterSpec.builder().partialTable("items", PartialTable.of("id", "qty", "total")).build();
        assertThatThrownBy(() -> FilterValidator.validateAgainst(spec, source))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("items");
                    assertThat(e.getMessage()).contains("'total'").contains("'price'");
                });
        assertThatThrownBy(() -> produce(source, spec)).isInstanceOf(FilterException.class)
                .hasMessageContaining("'total'").hasMessageContaining("'price'");
    }

    @Test
    void anUnlistedGeneratedColumnOfAPartialTableIsBlankedNotComputed() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, secret TEXT,"
                        + " shout TEXT GENERATED ALWAYS AS (upper(name) || 'MkDerivedA') STORED,"
                        + " leak TEXT AS ('MkDerivedB' || secret) VIRTUAL, label TEXT AS (lower(name)))",
                "CREATE INDEX items_shout ON items(shout)",
                "INSERT INTO items (id, name, secret) VALUES (1, 'pen', 'MkSecretValue')");
        Path out = produce(source, FilterSpec.builder()
                .partialTable("items", PartialTable.of("id", "name", "label")).build());

        assertThat(rows(out, "SELECT id, name, secret, shout, leak, label FROM items"))
                .containsExactly(Arrays.asList(1, "pen", null, null, null, "pen"));
        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type = 'index'")).isEmpty();
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkDerived").doesNotContainIgnoringCase("MkSecret");
    }

    @Test
    void strictAndWithoutRowidPartialTablesWithEveryKindOfColumnClauseAreProduced() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY NOT NULL DEFAULT 'MkDefaultKv' CHECK (v <> 'MkCheckKv'),"
                        + " n INT NOT NULL UNIQUE CHECK (n > 0), c TEXT COLLATE NOCASE REFERENCES kv(k) ON DELETE SET NULL"
                        + " NOT DEFERRABLE, g TEXT GENERATED ALWAYS AS ('MkGenKv' || v) VIRTUAL,"
                        + " CHECK (k <> v), UNIQUE (c, n)) STRICT, WITHOUT ROWID",
                "CREATE INDEX kv_c ON kv(c COLLATE BINARY DESC)",
                "CREATE UNIQUE INDEX kv_k_where ON kv(k) WHERE n > 0",
                "INSERT INTO kv (k, v, n, c) VALUES ('a', 'MkValueOne', 1, 'a'), ('b', 'MkValueTwo', 2, 'a')");
        Path out = produce(source, FilterSpec.builder().partialTable("kv", PartialTable.of("k")).build());

        assertThat(value(out, "SELECT sql FROM sqlite_schema WHERE name = 'kv'")).isEqualTo(
                "CREATE TABLE kv (k TEXT PRIMARY KEY, \"v\" ANY NOT NULL, \"n\" INT NOT NULL, \"c\" TEXT, \"g\" TEXT)"
                        + " STRICT, WITHOUT ROWID");
        assertThat(column(out, "SELECT name FROM sqlite_schema WHERE type = 'index'")).isEmpty();
        assertThat(rows(out, "SELECT k, v, n, c, g FROM kv ORDER BY k"))
                .containsExactly(Arrays.asList("a", "", 0, null, null), Arrays.asList("b", "", 0, null, null));
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkDefault").doesNotContainIgnoringCase("MkCheck")
                .doesNotContainIgnoringCase("MkGen").doesNotContainIgnoringCase("MkValue");
    }
}
