package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.column;
import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.rows;
import static dev.dbsync.filter.SqliteFiles.schemaText;
import static dev.dbsync.filter.SqliteFiles.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions found by the red team of issue 25 with source databases of its own design:
 * record fields and index entries the schema does not show, an output that is the source,
 * names of unpublished tables and free text in blanked columns' types, and sources whose
 * views or triggers name {@code main.} explicitly.
 */
class RedTeamRegressionTest {
    @TempDir
    Path dir;

    private Path produce(Path source, FilterSpec spec) {
        return SqliteFiles.produce(dir, source, spec);
    }

    @Test
    void fullTablesCarryNoRecordFieldOrIndexEntryTheSchemaDoesNotShow() throws Exception {
        Path source = dir.resolve("src.db");
        String big = "MkOverflow3" + "x".repeat(9000);
        exec(source,
                "CREATE TABLE t (a, b, c)", "CREATE INDEX ix ON t(c)",
                "INSERT INTO t VALUES ('puba', 'pubb', 'MkExtra1')",
                "INSERT INTO t VALUES ('pubc', 'pubd', '" + big + "')",
                "CREATE TABLE w (k TEXT PRIMARY KEY, a, c) WITHOUT ROWID",
                "INSERT INTO w VALUES ('pubk', 'pubw', 'MkExtra4')",
                "PRAGMA writable_schema = ON",
                "UPDATE sqlite_schema SET sql = 'CREATE TABLE t (a, b)' WHERE name = 't'",
                "UPDATE sqlite_schema SET sql = 'CREATE INDEX ix ON t(b)' WHERE name = 'ix'",
                "UPDATE sqlite_schema SET sql = 'CREATE TABLE w (k TEXT PRIMARY KEY, a) WITHOUT ROWID'"
                        + " WHERE name = 'w'");

        Path out = produce(source, FilterSpec.builder().fullTables("t", "w").build());

        assertThat(rows(out, "SELECT a, b FROM t ORDER BY rowid"))
                .containsExactly(List.of("puba", "pubb"), List.of("pubc", "pubd"));
        assertThat(rows(out, "SELECT k, a FROM w")).containsExactly(List.of("pubk", "pubw"));
        assertThat(column(out, "SELECT b FROM t INDEXED BY ix WHERE b > '' ORDER BY b"))
                .containsExactly("pubb", "pubd");
        assertThat(value(out, "PRAGMA integrity_check")).isEqualTo("ok");
        String bytes = RawBytes.of(out);
        assertThat(bytes).doesNotContain("MkExtra1").doesNotContain("MkOverflow3").doesNotContain("MkExtra4");
    }

    /**
     * Round 2: an index whose CREATE INDEX text was edited (its b-tree still holds another
     * column) made SQLite answer the WHERE clause, and on WITHOUT ROWID tables the listed
     * columns, from the index: withheld rows and blanked values were published.
     */
    @Test
    void rowsAndValuesComeFromTheTableNeverFromAnIndexThatDoesNotMatchIt() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE t (id INTEGER PRIMARY KEY, vis, body, x)",
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9)"
                        + " INSERT INTO t SELECT i, CASE WHEN i < 5 THEN 'public' ELSE 'private' END,"
                        + " CASE WHEN i < 5 THEN 'pub' || i ELSE 'MkStaleRow' || i END, 'public' FROM n",
                "CREATE INDEX ix ON t(x)",
                "CREATE TABLE w (k TEXT PRIMARY KEY, a, s) WITHOUT ROWID",
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4)"
                        + " INSERT INTO w SELECT 'k' || i, 'pa' || i, 'MkStaleBlank' || i FROM n",
                "CREATE INDEX wix ON w(s)",
                "PRAGMA writable_schema = ON",
                "UPDATE sqlite_schema SET sql = 'CREATE INDEX ix ON t(vis)' WHERE name = 'ix'",
                "UPDATE sqlite_schema SET sql = 'CREATE INDEX wix ON w(a)' WHERE name = 'wix'");

        Path out = produce(source, FilterSpec.builder().filteredTable("t", "vis = 'public'")
                .partialTable("w", PartialTable.of("k", "a")).build());

        assertThat(column(out, "SELECT body FROM t ORDER BY id")).containsExactly("pub0", "pub1", "pub2", "pub3", "pub4");
        assertThat(column(out, "SELECT a FROM w ORDER BY k")).containsExactly("pa0", "pa1", "pa2", "pa3", "pa4");
        assertThat(RawBytes.of(out)).doesNotContain("MkStaleRow").doesNotContain("MkStaleBlank");
    }

    @Test
    void refusesAnOutputThatIsTheSourceOrOneOfItsFiles() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE t (a, s)", "INSERT INTO t VALUES ('pub', 'MkSame')");
        Files.createDirectory(dir.resolve("sub"));
        Path link = dir.resolve("hard.db");
        Files.createLink(link, source);
        Path symlink = dir.resolve("sym.db");
        Files.createSymbolicLink(symlink, source);
        FilterSpec spec = FilterSpec.builder().partialTable("t", PartialTable.of("a")).build();
        SnapshotProducer producer = SnapshotProducer.builder(source).build();
        for (Path output : List.of(source, dir.resolve("sub/../src.db"), Path.of(source + "-wal"),
                Path.of(source + "-shm"), Path.of(source + "-journal"), link, symlink)) {
            assertThatThrownBy(() -> producer.produce(output, spec, 1))
                    .as(output.toString())
                    .isInstanceOf(DbsyncException.class)
                    .hasMessageContaining(output.toAbsolutePath().toString())
                    .hasMessageContaining(source.toString());
        }
        assertThat(value(source, "SELECT s FROM t")).isEqualTo("MkSame");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("src.db", "sub", "hard.db", "sym.db");
        }
        SnapshotProducer.builder(source).build().produce(dir.resolve("src2.db"), spec, 1);
        assertThat(value(dir.resolve("src2.db"), "SELECT a FROM t")).isEqualTo("pub");
    }

    @Test
    void foreignKeysToUnpublishedTablesAreDroppedAndKeptToPublishedOnes() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE MkHiddenTarget (id INTEGER PRIMARY KEY)",
                "CREATE TABLE shown (id INTEGER PRIMARY KEY)",
                "CREATE TABLE whole (id INTEGER PRIMARY KEY, p INTEGER REFERENCES MkHiddenTarget(id) ON DELETE CASCADE,"
                        + " q INTEGER CONSTRAINT kq REFERENCES \"SHOWN\"(id), r INTEGER,"
                        + " FOREIGN KEY (r) REFERENCES mkhiddentarget(id),"
                        + " CONSTRAINT fk2 FOREIGN KEY (r) REFERENCES shown(id))",
                "CREATE TABLE part (id INTEGER PRIMARY KEY, p INTEGER REFERENCES MkHiddenTarget, a TEXT,"
                        + " FOREIGN KEY (p) REFERENCES [MkHiddenTarget](id), FOREIGN KEY (a) REFERENCES shown)",
                "INSERT INTO shown VALUES (1)", "INSERT INTO whole VALUES (1, 1, 1, 1)",
                "INSERT INTO part VALUES (1, 1, 'x')");

        Path out = produce(source, FilterSpec.builder().fullTables("whole", "shown")
                .partialTable("part", PartialTable.of("id", "p", "a")).build());

        String schema = schemaText(out);
        assertThat(schema.toLowerCase(java.util.Locale.ROOT)).doesNotContain("mkhiddentarget");
        assertThat(RawBytes.of(out).toLowerCase(java.util.Locale.ROOT)).doesNotContain("mkhiddentarget");
        assertThat(column(out, "SELECT \"table\" || '.' || \"from\" FROM pragma_foreign_key_list('whole')"))
                .containsExactlyInAnyOrder("SHOWN.q", "shown.r");
        assertThat(column(out, "SELECT \"table\" || '.' || \"from\" FROM pragma_foreign_key_list('part')"))
                .containsExactly("shown.a");
        assertThat(rows(out, "SELECT * FROM whole")).containsExactly(List.of(1, 1, 1, 1));
        assertThat(rows(out, "SELECT * FROM part")).containsExactly(List.of(1, 1, "x"));
    }

    @Test
    void aBlankedColumnKeepsOnlyTheNameOfItsTypesAffinity() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, s 'MkType1' NOT NULL, s2 VARCHAR MkType2 (12) NOT NULL,"
                        + " i BIGINT MkType3, r DOUBLE MkType4 PRECISION, n DECIMAL(10, 5), b, bl BLOB)",
                "CREATE TABLE st (id INTEGER PRIMARY KEY, a TEXT, x INT NOT NULL, y ANY, z BLOB) STRICT",
                "CREATE TABLE al (k INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO t VALUES (1, 'pub', 'x', 'y', 1, 2.0, 3, 4, X'05')",
                "INSERT INTO st VALUES (1, 'pub', 2, 3, X'04')", "INSERT INTO al VALUES (7, 'pub')");

        Path out = produce(source, FilterSpec.builder().partialTable("t", PartialTable.of("id", "a"))
                .partialTable("st", PartialTable.of("id", "a")).partialTable("al", PartialTable.of("v")).build());

        assertThat(RawBytes.of(out).toLowerCase(java.util.Locale.ROOT)).doesNotContain("mktype");
        assertThat(rows(out, "SELECT name, type FROM pragma_table_info('t')")).containsExactly(
                List.of("id", "INTEGER"), List.of("a", "TEXT"), List.of("s", "NUMERIC"), List.of("s2", "TEXT"),
                List.of("i", "INTEGER"), List.of("r", "REAL"), List.of("n", "NUMERIC"), List.of("b", "BLOB"),
                List.of("bl", "BLOB"));
        assertThat(rows(out, "SELECT name, type FROM pragma_table_info('st')")).containsExactly(
                List.of("id", "INTEGER"), List.of("a", "TEXT"), List.of("x", "INT"), List.of("y", "ANY"),
                List.of("z", "BLOB"));
        assertThat(rows(out, "SELECT name, type, pk FROM pragma_table_info('al')")).containsExactly(
                List.of("k", "INTEGER", 1), List.of("v", "TEXT", 0));
        assertThat(rows(out, "SELECT s, s2, typeof(s), typeof(s2) FROM t"))
                .containsExactly(List.of("", "", "text", "text"));
    }

    @Test
    void sourcesWhoseViewsOrTriggersNameMainArePublishedAndListedViewsCompile() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source,
                "CREATE TABLE pub (x)", "INSERT INTO pub VALUES ('p')", "CREATE TABLE log (x)",
                "CREATE VIEW v AS SELECT * FROM main.pub",
                "CREATE VIEW listed AS SELECT x FROM main.pub",
                "CREATE TRIGGER tr AFTER INSERT ON pub BEGIN INSERT INTO log SELECT x FROM main.pub; END");
        FilterSpec spec = FilterSpec.builder().fullTables("pub").views("listed").build();
        FilterValidator.validateAgainst(spec, source);

        Path out = produce(source, spec);

        assertThat(column(out, "SELECT x FROM listed")).containsExactly("p");
        assertThat(column(out, "SELECT name FROM sqlite_schema ORDER BY name")).containsExactly("listed", "pub");
    }

    @Test
    void theValidatorRefusesAListedViewThatReadsAnUnpublishedTable() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE priv (x)", "CREATE TABLE pub (x)", "INSERT INTO pub VALUES ('p')",
                "CREATE VIEW pv AS SELECT x FROM pub UNION SELECT x FROM priv");
        FilterSpec spec = FilterSpec.builder().fullTables("pub").views("pv").build();

        assertThatThrownBy(() -> FilterValidator.validateAgainst(spec, source))
                .isInstanceOf(FilterException.class).hasMessageContaining("pv").hasMessageContaining("priv");
        assertThatThrownBy(() -> produce(source, spec))
                .isInstanceOf(FilterException.class).hasMessageContaining("pv").hasMessageContaining("priv");
        FilterValidator.validateAgainst(FilterSpec.builder().fullTables("pub", "priv").views("pv").build(), source);
    }

    @Test
    void matchOnATableThatIsNotFullTextFailsValidationNamingTheTable() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE pub (vis, body)", "INSERT INTO pub VALUES ('public', 'x')",
                "CREATE VIRTUAL TABLE notes USING fts5(body)", "INSERT INTO notes VALUES ('hello x')");
        FilterSpec spec = FilterSpec.builder().filteredTable("pub", "body MATCH 'x'").build();

        assertThatThrownBy(() -> FilterValidator.validateAgainst(spec, source))
                .isInstanceOf(FilterException.class).hasMessageContaining("'pub'").hasMessageContaining("MATCH");
        assertThatThrownBy(() -> produce(source, spec))
                .isInstanceOf(FilterException.class).hasMessageContaining("'pub'").hasMessageContaining("MATCH");
        Path out = produce(source, FilterSpec.builder().filteredTable("notes", "notes MATCH 'hello'").build());
        assertThat(value(out, "SELECT count(*) FROM notes")).isEqualTo(1);
    }
}
