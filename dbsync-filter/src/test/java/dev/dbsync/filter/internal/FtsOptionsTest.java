package dev.dbsync.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.filter.internal.FtsOptions.Storage;
import dev.dbsync.filter.internal.VirtualTableModule.Kind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our reading of module names and FTS options against SQLite's own: each statement is also
 * created by SQLite, which must agree on whether the table stores its content and, for an
 * external-content table, index exactly the table we name.
 */
class FtsOptionsTest {

    static Stream<Arguments> statements() {
        return Stream.of(
                // FTS3 has no options: content=... declares a column named content
                Arguments.of("fts3(a, content=art)", Storage.OWN, null),
                Arguments.of("'FTS3'(a)", Storage.OWN, null),
                Arguments.of("fts4(a, content=art)", Storage.EXTERNAL, "art"),
                Arguments.of("\"fts4\"(a, CoNtEnT=\"art\")", Storage.EXTERNAL, "art"),
                Arguments.of("[FTS4](a, content='art'junk)", Storage.EXTERNAL, "art"),
                Arguments.of("fts4(a, content=art x)", Storage.EXTERNAL, "art x"),
                Arguments.of("fts4(a, content=\"we\"\"ird\", tokenize=porter)", Storage.EXTERNAL, "we\"ird"),
                Arguments.of("fts4(a, content=[we ird])", Storage.EXTERNAL, "we ird"),
                Arguments.of("fts4(a, content=`q``t`)", Storage.EXTERNAL, "q`t"),
                Arguments.of("fts4(content=art)", Storage.EXTERNAL, "art"),
                Arguments.of("fts4(a, content=art, content=other)", Storage.EXTERNAL, "other"),
                Arguments.of("fts4(a, content='')", Storage.CONTENTLESS, null),
                Arguments.of("fts4(a, content=)", Storage.CONTENTLESS, null),
                Arguments.of("fts4(a, tokenize=simple, languageid=lid, order=DESC, matchinfo=fts3)", Storage.OWN, null),
                Arguments.of("fts5(a, content=art)", Storage.EXTERNAL, "art"),
                Arguments.of("`FTS5`(a, c=art)", Storage.EXTERNAL, "art"),
                Arguments.of("fts5(a, CONT  =  'art')", Storage.EXTERNAL, "art"),
                Arguments.of("fts5(a, content=\"a\"\"rt\", content_rowid=id)", Storage.EXTERNAL, "a\"rt"),
                Arguments.of("fts5(a, content=[art], content_r='id')", Storage.EXTERNAL, "art"),
                Arguments.of("fts5(a, /* note */ content=art)", Storage.EXTERNAL, "art"),
                Arguments.of("fts5(a, content_rowid=id)", Storage.OWN, null),
                Arguments.of("fts5(a, content='')", Storage.CONTENTLESS, null),
                Arguments.of("fts5(a, content=)", Storage.CONTENTLESS, null),
                Arguments.of("fts5(a, contentless_delete=1, content='')", Storage.CONTENTLESS, null),
                Arguments.of("fts5(\"content\", b)", Storage.OWN, null),
                Arguments.of("fts5(a, prefix='2 3', tokenize='porter ascii', detail=column)", Storage.OWN, null),
                // statements SQLite refuses: we must not read them as anything
                Arguments.of("fts4(a, content = art)", null, null),
                Arguments.of("fts4(a, \"content\"=art)", null, null),
                Arguments.of("fts5(a, \"content\"=art)", null, null),
                Arguments.of("fts5(a, content=art x)", null, null),
                Arguments.of("fts5(a, content/**/=art)", null, null),
                Arguments.of("fts5(a, content=art, c=other)", null, null),
                Arguments.of("fts5(a, cx=art)", null, null));
    }

    @ParameterizedTest(name = "USING {0}")
    @MethodSource("statements")
    void readsWhereTheContentLivesAsSqliteDoes(String using, Storage storage, String content) throws Exception {
        String sql = "CREATE VIRTUAL TABLE t USING " + using;
        FtsOptions options = FtsOptions.of(VirtualTableModule.parse(sql).orElseThrow());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement()) {
            for (String table : List.of("art", "art x", "we\"ird", "we ird", "q`t", "a\"rt", "other")) {
                s.execute("CREATE TABLE " + SqlNames.quote(table) + " (id INTEGER PRIMARY KEY, a TEXT)");
                s.execute("INSERT INTO " + SqlNames.quote(table) + " VALUES (7, " + SqlNames.quote(table) + ")");
            }
            s.execute("UPDATE " + SqlNames.quote(content == null ? "art" : content) + " SET a = 'needle'");
            if (storage == null) {
                assertThat(options.error()).isPresent();
                assertThatThrownBy(() -> s.execute(sql)).isInstanceOf(SQLException.class);
                return;
            }
            assertThat(options.error()).isEmpty();
            assertThat(options.storage()).isEqualTo(storage);
            assertThat(options.contentTable()).isEqualTo(Optional.ofNullable(content));
            s.execute(sql);
            assertThat(rows(s, "SELECT 1 FROM sqlite_schema WHERE name = 't_content'")).as("own content for SQLite")
                    .hasSize(storage == Storage.OWN ? 1 : 0);
            if (storage == Storage.EXTERNAL) {
                s.execute("INSERT INTO t(t) VALUES ('rebuild')");
                assertThat(rows(s, "SELECT rowid FROM t WHERE t MATCH 'needle'")).as("SQLite indexes " + content)
                        .containsExactly(7L);
            }
        }
    }

    @Test
    void readsModuleNamesInEveryQuotingAndFoldsAsciiCaseOnly() {
        for (String module : List.of("fts5", "FTS5", "\"fts5\"", "[Fts5]", "`fTs5`", "'FTS5'")) {
            assertThat(VirtualTableModule.parse("CREATE VIRTUAL TABLE t USING " + module + "(a)").orElseThrow().kind())
                    .as(module).isEqualTo(Kind.FTS5);
        }
        assertThat(VirtualTableModule.parse("CREATE VIRTUAL TABLE \"x\"\"y\" /* c */ USING /* d */ rtree_I32(id, a, b)")
                .orElseThrow().kind()).isEqualTo(Kind.RTREE);
        assertThat(VirtualTableModule.parse("CREATE VIRTUAL TABLE IF NOT EXISTS main.t USING DBSTAT").orElseThrow().kind())
                .isEqualTo(Kind.READ_ONLY);
        // U+017F LATIN SMALL LETTER LONG S and U+212A KELVIN SIGN fold onto ASCII in Java, not in SQLite
        assertThat(VirtualTableModule.parse("CREATE VIRTUAL TABLE t USING ft\u017F5(a)").orElseThrow().kind())
                .isEqualTo(Kind.UNKNOWN);
        assertThat(VirtualTableModule.parse("CREATE VIRTUAL TABLE t USING r\u212Atree(a)").orElseThrow().kind())
                .isEqualTo(Kind.UNKNOWN);
        assertThat(VirtualTableModule.parse("CREATE VIRTUAL TABLE t USING fts5(a, (b, c), d e)").orElseThrow()
                .arguments()).containsExactly("a", "(b, c)", "d e");
        assertThat(VirtualTableModule.parse("CREATE TABLE t (a)")).isEmpty();
    }

    private static List<Object> rows(Statement s, String sql) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getObject(1) instanceof Integer i ? (Object) i.longValue() : rs.getObject(1));
            }
        }
        return out;
    }
}
