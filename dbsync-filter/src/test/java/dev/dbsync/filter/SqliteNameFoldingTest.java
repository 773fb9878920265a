package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.column;
import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.rows;
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
 * Names SQLite keeps apart stay apart: SQLite folds the case of ASCII letters only, so
 * {@code key} and {@code \u212Aey} (KELVIN SIGN), {@code ssn} and {@code \u017Fsn} (LONG S),
 * {@code é} and {@code É} are different tables and columns. Each leak check looks at the
 * snapshot's raw bytes and at queries.
 */
class SqliteNameFoldingTest {
    private static final String KELVIN_KEY = "\u212Aey";
    private static final String LONG_S_SSN = "\u017Fsn";

    @TempDir
    Path dir;

    private Path produce(Path source, FilterSpec spec) {
        return SqliteFiles.produce(dir, source, spec);
    }

    private static String q(String name) {
        return SqlIdentifiers.quote(name);
    }

    @Test
    void columnsThatDifferByANonAsciiCaseAreNotPublishedWithTheListedOne() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE people (id INTEGER PRIMARY KEY, \"key\" TEXT, " + q(KELVIN_KEY) + " TEXT,"
                        + " ssn TEXT, " + q(LONG_S_SSN) + " TEXT, \"é\" TEXT, \"É\" TEXT)",
                "INSERT INTO people VALUES (1, 'k-public', 'MkKelvinSecret', 's-public', 'MkLongSSecret',"
                        + " 'e-public', 'MkUpperESecret')");
        Path out = produce(source, FilterSpec.builder()
                .partialTable("people", PartialTable.of("id", "key", "ssn", "é")).build());

        assertThat(rows(out, "SELECT \"key\", " + q(KELVIN_KEY) + ", ssn, " + q(LONG_S_SSN) + ", \"é\", \"É\""
                + " FROM people")).containsExactly(Arrays.asList("k-public", null, "s-public", null, "e-public", null));
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkKelvinSecret")
                .doesNotContainIgnoringCase("MkLongSSecret").doesNotContainIgnoringCase("MkUpperESecret");
    }

    @Test
    void tablesThatDifferByANonAsciiCaseAreDistinctInBothDirections() throws Exception {
        List<String[]> pairs = List.of(new String[] {"key", KELVIN_KEY}, new String[] {KELVIN_KEY, "key"},
                new String[] {"ssn", LONG_S_SSN}, new String[] {LONG_S_SSN, "ssn"},
                new String[] {"é", "É"}, new String[] {"É", "é"});
        int n = 0;
        for (String[] pair : pairs) {
            String published = pair[0];
            String secret = pair[1];
            Path source = dir.resolve("src" + n++ + ".db");
            exec(source, "CREATE TABLE " + q(published) + " (id INTEGER PRIMARY KEY, v TEXT)",
                    "CREATE TABLE " + q(secret) + " (id INTEGER PRIMARY KEY, v TEXT, w TEXT)",
                    "CREATE INDEX " + q(secret + "_v") + " ON " + q(secret) + "(v)",
                    "INSERT INTO " + q(published) + " VALUES (1, 'open')",
                    "INSERT INTO " + q(secret) + " VALUES (1, 'MkSecretTableRow', 'x')");
            Path out = produce(source, FilterSpec.builder().fullTables(published).build());
            assertThat(column(out, "SELECT name FROM sqlite_schema")).as("schema publishing %s", published)
                    .containsExactly(published);
            assertThat(column(out, "SELECT v FROM " + q(published))).containsExactly("open");
            assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkSecretTableRow");
        }
    }

    @Test
    void aViewIsNotMistakenForATableWhoseNameDiffersByANonAsciiCase() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE ka (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO ka VALUES (1, 'MkUnlistedTable')",
                "CREATE VIEW " + q("\u212Aa") + " AS SELECT 1 AS one");
        assertThatThrownBy(() -> produce(source, FilterSpec.builder().fullTables("\u212Aa").build()))
                .isInstanceOf(FilterException.class).hasMessageContaining("is a view");
        assertThatThrownBy(() -> produce(source, FilterSpec.builder().views("ka").build()))
                .isInstanceOf(FilterException.class).hasMessageContaining("'ka'");
        Path out = produce(source, FilterSpec.builder().views("\u212Aa").build());
        assertThat(column(out, "SELECT name FROM sqlite_schema")).containsExactly("\u212Aa");
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkUnlistedTable");
    }

    @Test
    void asciiCaseStillFoldsForTablesColumnsAndViews() throws Exception {
        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE Users (Id INTEGER PRIMARY KEY, Name TEXT, Secret TEXT)",
                "INSERT INTO Users VALUES (1, 'ann', 'MkAsciiSecret')",
                "CREATE VIEW Names AS SELECT name FROM users");
        Path out = produce(source, FilterSpec.builder().partialTable("USERS", PartialTable.of("ID", "name"))
                .views("NAMES").build());
        assertThat(rows(out, "SELECT id, name, secret FROM users")).containsExactly(Arrays.asList(1, "ann", null));
        assertThat(column(out, "SELECT name FROM names")).containsExactly("ann");
        assertThat(RawBytes.of(out)).doesNotContainIgnoringCase("MkAsciiSecret");
    }

    @Test
    void specNamesDifferingByANonAsciiCaseAreDistinctAndAsciiCaseDuplicatesNameBothSpellings() throws Exception {
        FilterSpec spec = FilterSpec.builder().fullTables("é", "É", "key", KELVIN_KEY).build();
        assertThat(spec.fullTables()).hasSize(4);
        assertThatThrownBy(() -> FilterSpec.builder().fullTables("Users").partialTable("uSERS", PartialTable.of("a"))
                .build()).isInstanceOf(FilterException.class).hasMessageContaining("'Users'")
                .hasMessageContaining("'uSERS'");

        Path source = dir.resolve("src.db");
        exec(source, "CREATE TABLE t (id INTEGER PRIMARY KEY, \"é\" TEXT, \"É\" TEXT, Email TEXT)");
        FilterValidator.validateAgainst(FilterSpec.builder().partialTable("t", PartialTable.of("é", "É")).build(),
                source);
        assertThatThrownBy(() -> FilterValidator.validate(FilterSpec.builder()
                .partialTable("t", PartialTable.of("Email", "eMAIL")).build()))
                .isInstanceOf(FilterException.class).hasMessageContaining("'Email'").hasMessageContaining("'eMAIL'");
        assertThatThrownBy(() -> FilterValidator.validateAgainst(FilterSpec.builder()
                .partialTable("t", PartialTable.of("id", "\u212Aey")).build(), source))
                .isInstanceOf(FilterException.class).hasMessageContaining("no column '\u212Aey'");
    }
}
