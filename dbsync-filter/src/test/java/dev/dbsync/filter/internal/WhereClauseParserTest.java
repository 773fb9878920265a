package dev.dbsync.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dbsync.api.FilterException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WhereClauseParserTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "visibility = 'public'",
        "status = 'DROP ME; --'",
        "update_into = 1",
        "\"select\" = 1 AND `delete` <> 2 OR [drop] IS NOT NULL",
        "a IN (1, -2, 'x', X'0aFF', NULL) AND b NOT IN ()",
        "a BETWEEN 1 AND 10 AND b NOT BETWEEN 0x1F AND 1e-3",
        "name LIKE 'a\\_%' ESCAPE '\\' OR name NOT GLOB '*x*'",
        "CASE WHEN a > 1 THEN 'big' ELSE 'small' END = 'big'",
        "CASE a WHEN 1 THEN 2 END IS NULL",
        "CAST(price AS DECIMAL(10, 2)) >= 9.99",
        "lower(name) = upper('x') AND length(coalesce(a, ifnull(b, nullif(c, 0)))) > 3",
        "substr(trim(name), 1, 2) || 'x' = 'abx' AND instr(name, 'a') > 0 AND round(abs(-1.5)) = 2",
        "date(created) > '2020-01-01' AND datetime('now') > time(x) AND julianday(x) > 0",
        "strftime('%Y', created) = '2024' AND json_extract(doc, '$.a') = 1",
        "a ISNULL OR b NOTNULL OR c NOT NULL",
        "a IS NOT DISTINCT FROM b AND a IS DISTINCT FROM 3",
        "name COLLATE NOCASE = 'bob'",
        "-a + +b * ~c / 2 % 3 - 1_000 << 2 >> 1 & 7 | 8 != 0",
        "NOT NOT a = 1",
        "t.a = 1 AND \"t\".\"b\" = 2",
        "doc ->> '$.x' = 1 AND doc -> 'y' IS NULL",
        "x = .5 AND y = 5. AND z = 1E10",
        "TRUE AND CURRENT_DATE > '2000-01-01'",
        "replace(a, 'x', 'y') = 'b'"
    })
    void acceptsExpressions(String where) {
        assertThatCode(() -> WhereClauseParser.check("t", where)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a = 1; DROP TABLE t|;|5",
        "a = 1 -- comment|-- comment|6",
        "a = 1 /* c */|/* c */|6",
        "a IN (SELECT id FROM x)|SELECT|6",
        "(SELECT 1) = 1|SELECT|1",
        "EXISTS (1)|EXISTS|0",
        "a = ?|?|4",
        "a = :name|:name|4",
        "a = @name|@name|4",
        "a = $name|$name|4",
        "load_extension('x') = 1|load_extension|0",
        "random() > 0|random|0",
        "1=1) OR (1=1|)|3",
        "(a = 1|(|0",
        "a = 1)|)|5",
        "a = 'unterminated|'unterminated|4",
        "a = X'ABC'|X'ABC'|4",
        "count(*) > 1|count|0",
        "lower(DISTINCT a) = 1|DISTINCT|6",
        "a = 1 UNION SELECT 1|UNION|6",
        "a = 1 ORDER BY a|ORDER|6",
        "x.y.z = 1|.|3",
        "a BETWEEN 1|''|11",
        "a == pragma|pragma|5",
        "a = 1 AND|''|9",
        "a IN b|b|5"
    })
    void rejectsNamingTokenAndPosition(String where, String token, int position) {
        String expected = token.equals("''") ? "" : token;
        assertThatThrownBy(() -> WhereClauseParser.check("posts", where))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("posts");
                    assertThat(e.token()).contains(expected);
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.getMessage()).contains("posts").contains("position " + position);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t"})
    void rejectsEmptyClauses(String where) {
        assertThatThrownBy(() -> WhereClauseParser.check("t", where))
                .isInstanceOf(FilterException.class).hasMessageContaining("empty");
    }

    @Test
    void hostileSizesOnlyEverThrowFilterExceptionQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            String parens = "(".repeat(100_000) + "1" + ")".repeat(100_000);
            assertThatThrownBy(() -> WhereClauseParser.check("t", parens))
                    .isInstanceOf(FilterException.class).hasMessageContaining("nested deeper than 200");
            String calls = "lower(".repeat(50_000) + "a" + ")".repeat(50_000) + " = 1";
            assertThatThrownBy(() -> WhereClauseParser.check("t", calls)).isInstanceOf(FilterException.class);
            String cases = "CASE WHEN ".repeat(50_000) + "1";
            assertThatThrownBy(() -> WhereClauseParser.check("t", cases)).isInstanceOf(FilterException.class);
            StringBuilder chain = new StringBuilder("a = 1");
            for (int i = 0; i < 1_000_000; i++) {
                chain.append(" AND a = 1");
            }
            assertThatThrownBy(() -> WhereClauseParser.check("t", chain.toString()))
                    .isInstanceOfSatisfying(FilterException.class, e -> {
                        assertThat(e.getMessage()).contains("at most 1048576");
                        assertThat(e.position()).isEqualTo(WhereClauseParser.MAX_LENGTH);
                    });
            String literal = "a = '" + "x''y".repeat(500_000) + "'";
            assertThatThrownBy(() -> WhereClauseParser.check("t", literal)).isInstanceOf(FilterException.class);
        });
    }

    @Test
    void longClausesUpToTheCapParseWithoutDeepRecursion() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            StringBuilder chain = new StringBuilder("a = 1");
            while (chain.length() < WhereClauseParser.MAX_LENGTH - 20) {
                chain.append(" AND a = 1");
            }
            assertThatCode(() -> WhereClauseParser.check("t", chain.toString())).doesNotThrowAnyException();
            String nots = "NOT ".repeat(200_000) + "a";
            assertThatCode(() -> WhereClauseParser.check("t", nots)).doesNotThrowAnyException();
            String minus = "- ".repeat(200_000) + "a";
            assertThatCode(() -> WhereClauseParser.check("t", minus)).doesNotThrowAnyException();
            String literal = "a = '" + "x''y".repeat(200_000) + "'";
            assertThatCode(() -> WhereClauseParser.check("t", literal)).doesNotThrowAnyException();
            String number = "a = " + "1".repeat(1_000_000);
            assertThatCode(() -> WhereClauseParser.check("t", number)).doesNotThrowAnyException();
            String unterminated = "a = '" + "x".repeat(1_000_000);
            assertThatThrownBy(() -> WhereClauseParser.check("t", unterminated))
                    .isInstanceOf(FilterException.class).hasMessageContaining("unterminated");
        });
    }

    @Test
    void depthCapHoldsOnASmallThreadStack() throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                WhereClauseParser.check("t", "1 OR 1 AND 1 = 1 < 1 << 1 + 1 * 1 || (".repeat(5_000) + "1");
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join(10_000);
        assertThat(failure[0]).isInstanceOf(FilterException.class);
    }
}
