package dev.dbsync.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

    private static List<String> kinds(String sql) {
        return SqlLexer.tokenize(sql).stream().map(t -> t.kind() + ":" + t.text(sql)).toList();
    }

    @Test
    void readsLiteralsQuotedIdentifiersAndOperatorsLikeSqlite() {
        assertThat(kinds("'it''s' \"a\"\"b\" `c` [d e] X'0aF1' x'' 0x1F 1_000 1.5e-3 .5 5. ->> -> || <> != == <= >= << >>"))
                .containsExactly("STRING:'it''s'", "QUOTED_ID:\"a\"\"b\"", "QUOTED_ID:`c`", "QUOTED_ID:[d e]",
                        "BLOB:X'0aF1'", "BLOB:x''", "NUMBER:0x1F", "NUMBER:1_000", "NUMBER:1.5e-3", "NUMBER:.5",
                        "NUMBER:5.", "OPERATOR:->>", "OPERATOR:->", "OPERATOR:||", "OPERATOR:<>", "OPERATOR:!=",
                        "OPERATOR:==", "OPERATOR:<=", "OPERATOR:>=", "OPERATOR:<<", "OPERATOR:>>");
    }

    @Test
    void keywordsInsideLiteralsAndIdentifiersStayInside() {
        assertThat(kinds("status = 'DROP ME; --' AND update_into = \"se\nlect\""))
                .containsExactly("WORD:status", "OPERATOR:=", "STRING:'DROP ME; --'", "WORD:AND", "WORD:update_into",
                        "OPERATOR:=", "QUOTED_ID:\"se\nlect\"");
    }

    @Test
    void flagsCommentsParametersAndMalformedInput() {
        assertThat(kinds("-- x\n/* y */ ? ?12 :a @b $c"))
                .containsExactly("COMMENT:-- x", "COMMENT:/* y */", "PARAMETER:?", "PARAMETER:?12", "PARAMETER::a",
                        "PARAMETER:@b", "PARAMETER:$c");
        assertThat(kinds("'open")).containsExactly("ILLEGAL:'open");
        assertThat(kinds("/* open")).containsExactly("ILLEGAL:/* open");
        assertThat(kinds("X'ABC'")).containsExactly("ILLEGAL:X'ABC'");
        assertThat(kinds("1_")).containsExactly("ILLEGAL:1_");
        assertThat(kinds("12abc")).containsExactly("ILLEGAL:12abc");
        assertThat(kinds("!")).containsExactly("ILLEGAL:!");
        assertThat(kinds("#")).containsExactly("ILLEGAL:#");
    }

    @Test
    void identifierUnquotesEachQuoteStyle() {
        String sql = "\"a\"\"b\" `c``d` [e f] 'g''h' plain";
        assertThat(SqlLexer.tokenize(sql).stream().map(t -> t.identifier(sql)))
                .containsExactly("a\"b", "c`d", "e f", "g'h", "plain");
    }

    @Test
    void withoutCommentsRemovesEveryCommentAndKeepsTokensApart() {
        assertThat(SqlLexer.withoutComments("SELECT a-- private\nFROM t /* x */ WHERE b = '--kept /* kept */'"))
                .isEqualTo("SELECT a \nFROM t   WHERE b = '--kept /* kept */'");
        assertThat(SqlLexer.withoutComments("SELECT 1 -/**/-1, \"/*id*/\" /* unterminated"))
                .isEqualTo("SELECT 1 - -1, \"/*id*/\"  ");
        String plain = "CREATE TABLE t (a)";
        assertThat(SqlLexer.withoutComments(plain)).isSameAs(plain);
        assertThat(SqlLexer.withoutComments("SELECT x\u2028 /* c */")).isEqualTo("SELECT x\u2028  ");
    }

    @Test
    void keywordsMatchFoldingAsciiLettersOnly() {
        String sql = "select \u017Felect SEL\u0130CT";
        List<Token> t = SqlLexer.tokenize(sql);
        assertThat(t.get(0).isWord(sql, "SELECT")).isTrue();
        assertThat(t.get(1).isWord(sql, "SELECT")).isFalse();
        assertThat(t.get(2).isWord(sql, "SELECT")).isFalse();
    }
}
