package dev.dbsync.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.SqlName;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TableDdlTest {
    private static Predicate<String> blanked(String... names) {
        Set<SqlName> set = Stream.of(names).map(SqlName::of).collect(Collectors.toSet());
        return n -> set.contains(SqlName.of(n));
    }

    @Test
    void blankedColumnsKeepNameTypeAndNotNullAndConstraintsMentioningThemAreDropped() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, \"e mail\" TEXT NOT NULL CONSTRAINT u UNIQUE ON CONFLICT"
                + " IGNORE DEFAULT 'x' CHECK (length(\"e mail\") > 1) COLLATE NOCASE, code TEXT PRIMARY KEY,"
                + " name TEXT UNIQUE, UNIQUE (name, \"e mail\"), CHECK (name <> ''), FOREIGN KEY (code) REFERENCES o(c))";
        String out = forPartialTable("t", ddl, blanked("E MAIL", "code"), "id");
        assertThat(out).isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, \"e mail\" TEXT NOT NULL, \"code\" TEXT,"
                + " name TEXT UNIQUE, CHECK (name <> ''))");
    }

    @Test
    void theRewriteSaysWhichConstraintsItDroppedAndTheBlankedColumnEachReads() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT, name TEXT CHECK (name <> email) NOT NULL,"
                + " code TEXT, UNIQUE (name, \"EMAIL\"), CHECK (name <> ''), FOREIGN KEY (code) REFERENCES o(c),"
                + " FOREIGN KEY (name) REFERENCES o(code))";
        TableDdl.SnapshotDdl out = TableDdl.rewrite("t", ddl, blanked("email", "code"), "id", n -> true);
        assertThat(out.sql()).isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, \"email\" TEXT,"
                + " name TEXT NOT NULL, \"code\" TEXT, CHECK (name <> ''), FOREIGN KEY (name) REFERENCES o(code))");
        assertThat(out.dropped()).containsExactly(
                new TableDdl.DroppedConstraint("CHECK (name <> email)", java.util.Optional.of("name"),
                        "mentions blanked column email"),
                new TableDdl.DroppedConstraint("UNIQUE (name, \"EMAIL\")", java.util.Optional.empty(),
                        "mentions blanked column EMAIL"),
                new TableDdl.DroppedConstraint("FOREIGN KEY (code) REFERENCES o(c)", java.util.Optional.empty(),
                        "mentions blanked column code"));
        assertThat(TableDdl.indexMention("CREATE INDEX i ON t(name, lower(Email))", blanked("email")))
                .contains("Email");
        assertThat(TableDdl.indexMention("CREATE INDEX i ON t(name)", blanked("email"))).isEmpty();
    }

    @Test
    void keepsTheRowidAliasPrimaryKeyAndTableOptions() {
        String ddl = "CREATE TABLE t (id INTEGER NOT NULL, v INT UNIQUE, PRIMARY KEY (id)) STRICT";
        assertThat(forPartialTable("t", ddl, blanked("id", "v"), "id"))
                .isEqualTo("CREATE TABLE t (\"id\" INTEGER NOT NULL, \"v\" INT, PRIMARY KEY (id)) STRICT");
        String inline = "CREATE TABLE t (id INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT DEFAULT 7, v TEXT)";
        assertThat(forPartialTable("t", inline, blanked("id"), "id"))
                .isEqualTo("CREATE TABLE t (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)");
    }

    @Test
    void notNullIsNotConfusedWithOtherClausesStartingWithNot() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, r INT REFERENCES o(c) ON DELETE SET NULL NOT DEFERRABLE,"
                + " s INT CONSTRAINT s_nn NOT NULL ON CONFLICT FAIL)";
        assertThat(forPartialTable("t", ddl, blanked("r", "s"), "id"))
                .isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, \"r\" INTEGER, \"s\" INTEGER NOT NULL)");
        String typeWords = "CREATE TABLE t (a generated TEXT DEFAULT 'x', b always stored TEXT UNIQUE)";
        assertThat(forPartialTable("t", typeWords, blanked("a", "b"), null))
                .isEqualTo("CREATE TABLE t (\"a\" TEXT, \"b\" TEXT)");
    }

    @Test
    void checksOfPublishedColumnsReadingBlankedOnesAreDroppedAndFunctionAndCollationNamesAreNotColumns() {
        String ddl = "CREATE TABLE t (a TEXT CHECK (length(b) > 0) NOT NULL, c TEXT CHECK (upper(c) <> '')"
                + " CHECK (c COLLATE nocase <> 'x'), b TEXT)";
        assertThat(forPartialTable("t", ddl, blanked("b", "upper", "nocase", "length"), null))
                .isEqualTo("CREATE TABLE t (a TEXT NOT NULL, c TEXT CHECK (upper(c) <> '')"
                        + " CHECK (c COLLATE nocase <> 'x'), \"b\" TEXT)");
    }

    @Test
    void aPublishedGeneratedColumnReadingABlankedColumnIsAnErrorNamingBoth() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, p REAL, total REAL GENERATED ALWAYS AS (\"P\" * 2) STORED)";
        assertThatThrownBy(() -> forPartialTable("t", ddl, blanked("p"), "id"))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("t");
                    assertThat(e.getMessage()).contains("'total'").contains("'P'");
                });
        String literal = "CREATE TABLE t (id INTEGER PRIMARY KEY, p REAL, k TEXT AS ('p' || id))";
        assertThat(forPartialTable("t", literal, blanked("p"), "id"))
                .isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, \"p\" REAL, k TEXT AS ('p' || id))");
    }

    @Test
    void aBlankedGeneratedColumnBecomesAPlainColumnOfItsType() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, u TEXT NOT NULL GENERATED ALWAYS AS (upper(s))"
                + " STORED, v AS (s || 'x'))";
        assertThat(forPartialTable("t", ddl, blanked("u", "v"), "id"))
                .isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, \"u\" TEXT NOT NULL, \"v\" BLOB)");
    }

    @Test
    void indexMentionsSeeEveryFormOfAName() {
        Predicate<String> email = blanked("email");
        assertThat(TableDdl.indexMentions("CREATE UNIQUE INDEX i ON t('email')", email)).isTrue();
        assertThat(TableDdl.indexMentions("CREATE INDEX i ON t(\"EMAIL\")", email)).isTrue();
        assertThat(TableDdl.indexMentions("CREATE INDEX i ON t([Email] DESC)", email)).isTrue();
        assertThat(TableDdl.indexMentions("CREATE INDEX i ON t(lower(email))", email)).isTrue();
        assertThat(TableDdl.indexMentions("CREATE INDEX i ON t(name) WHERE email IS NOT NULL", email)).isTrue();
        assertThat(TableDdl.indexMentions("CREATE INDEX email ON email(name)", email)).isFalse();
        assertThat(TableDdl.indexMentions("CREATE INDEX i ON t(\"\u212Amail\", \"emaıl\")", email)).isFalse();
    }

    @Test
    void aColumnNameThatCouldMeanTwoColumnsIsAnErrorNamingBoth() {
        SourceCatalog.ColumnInfo a = new SourceCatalog.ColumnInfo("Name", "TEXT", false, 0, 0);
        SourceCatalog.ColumnInfo b = new SourceCatalog.ColumnInfo("nAME", "TEXT", false, 0, 0);
        SourceCatalog.ColumnInfo c = new SourceCatalog.ColumnInfo("n\u212Ame", "TEXT", false, 0, 0);
        SourceCatalog.TableInfo damaged = new SourceCatalog.TableInfo("t", "CREATE TABLE t (Name, nAME)", false, false,
                false, java.util.List.of(a, b, c), java.util.List.of(), java.util.Optional.empty());
        assertThatThrownBy(() -> damaged.column("name")).isInstanceOf(FilterException.class)
                .hasMessageContaining("'Name'").hasMessageContaining("'nAME'");
        assertThat(damaged.column("N\u212AME")).contains(c);
        assertThat(damaged.column("NKME")).isEmpty();
    }

    @Test
    void foreignKeysToUnpublishedTablesAreDroppedWithTheirWholeClauseAndOthersKeptAsWritten() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT CONSTRAINT ka REFERENCES hidden(c) ON DELETE SET NULL"
                + " NOT DEFERRABLE NOT NULL, b INT REFERENCES Shown(c) NOT DEFERRABLE, FOREIGN KEY (a) REFERENCES"
                + " \"HIDDEN\"(c) DEFERRABLE INITIALLY DEFERRED, CONSTRAINT kb FOREIGN KEY (b) REFERENCES shown)";
        assertThat(TableDdl.forSnapshot("t", ddl, n -> false, "id", n -> n.equalsIgnoreCase("shown")))
                .isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, a INT NOT NULL, b INT REFERENCES Shown(c) NOT"
                        + " DEFERRABLE, CONSTRAINT kb FOREIGN KEY (b) REFERENCES shown)");
        assertThat(TableDdl.forSnapshot("t", ddl, n -> false, "id", n -> true)).isSameAs(ddl);
    }

    @Test
    void affinityNamesFollowSqliteRulesInOrder() {
        assertThat(TableDdl.affinity("BIGINT")).isEqualTo("INTEGER");
        assertThat(TableDdl.affinity("CHARINT")).isEqualTo("INTEGER"); // rule 1 before rule 2
        assertThat(TableDdl.affinity("VARCHAR(12)")).isEqualTo("TEXT");
        assertThat(TableDdl.affinity("clob")).isEqualTo("TEXT");
        assertThat(TableDdl.affinity(null)).isEqualTo("BLOB");
        assertThat(TableDdl.affinity("")).isEqualTo("BLOB");
        assertThat(TableDdl.affinity("BLOB")).isEqualTo("BLOB");
        assertThat(TableDdl.affinity("FLOATING POINT")).isEqualTo("INTEGER"); // "POINT" holds INT
        assertThat(TableDdl.affinity("DOUBLE")).isEqualTo("REAL");
        assertThat(TableDdl.affinity("'MkType'")).isEqualTo("NUMERIC");
        assertThat(TableDdl.affinity("ĪNT")).isEqualTo("NUMERIC"); // only ASCII letters fold
        assertThat(TableDdl.affinity("STRING")).isEqualTo("NUMERIC");
    }

    /** Every foreign-key target counts as published here; {@code RedTeamRegressionTest} covers the others. */
    private static String forPartialTable(String table, String sql, java.util.function.Predicate<String> blanked,
            String rowidAlias) {
        return TableDdl.forSnapshot(table, sql, blanked, rowidAlias, n -> true);
    }
}
