package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Mutants of legitimate clauses are refused: one forbidden construct inserted at a token
 * boundary (never inside a literal) of a {@link ClauseGrammar} clause makes the validator throw
 * a {@link FilterException} that names the table, the offending token and its character
 * position, as data and in the message. The offending token is the inserted construct (or a
 * token inside it); only an inserted {@code (} may be reported at the parenthesis left open.
 */
class ClauseMutationProperties {
    static final String TABLE = "items";

    /**
     * Forbidden constructs; {@link #ESCAPE} is inserted only at top level. Calls take a column
     * argument: {@code f(8)} is also a legitimate CAST type name ({@code CAST(x AS INTEGER
     * randomblob(8))} compiles in SQLite as a type, calls nothing, and is rightly accepted).
     */
    static final List<String> PAYLOADS = List.of(
            ";", "; DROP TABLE items", ";SELECT 1", "; --", "--", "-- AND 1", "/*", "/* x */", "/**/",
            "SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "CREATE", "ALTER", "ATTACH", "DETACH", "PRAGMA", "VACUUM",
            "REINDEX", "ANALYZE", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "WITH", "VALUES", "UPSERT",
            "EXPLAIN", "RETURNING", "INTO", "WHERE", "ORDER BY id", "GROUP BY id", "HAVING", "LIMIT 1", "OFFSET 1",
            "(SELECT 1)", "(SELECT id FROM items)", "(WITH x AS (SELECT 1) SELECT * FROM x)", "(VALUES (1))",
            "EXISTS (SELECT 1)", "NOT EXISTS (SELECT 1)", "UNION SELECT 1", "UNION ALL SELECT 1",
            "INTERSECT SELECT 1", "EXCEPT SELECT 1", "?", "?1", "?42", ":x", "@x", "$x", "$x::y",
            "load_extension('evil.so')", "readfile('/etc/passwd')", "writefile('x', 'y')", "randomblob(n)",
            "random()", "json_each('[1]')", "json_tree('{}')", "pragma_table_info('items')", "pragma_database_list()",
            "generate_series(1, n)", "sqlite_version()", "printf('%s', 1)", "zeroblob(n)", "fts3_tokenizer('x')",
            "edit('x')", "quote(n)", "changes()", "total_changes()", "last_insert_rowid()",
            "sqlite_compileoption_used('x')", "sqlite_source_id()", "count(*)", "sum(id)", "group_concat(id)",
            "highlight(items, 0, 'a', 'b')", "bm25(items)", "sqlite_offset(id)", "unhex('00')", "\"readfile\"('x')",
            "[load_extension]('x')", "RAISE(IGNORE)", ")", "(");

    /** The classic escape from the wrapping parentheses. */
    static final String ESCAPE = "1=1) OR (1=1";

    @Provide
    Arbitrary<Mutant> mutants() {
        Arbitrary<String> payloads = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(PAYLOADS.size(), Arbitraries.of(PAYLOADS)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(ESCAPE)));
        return Combinators.combine(ClauseGrammar.clauses(4, false), payloads, Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.longs()).as(Mutant::of);
    }

    @Property
    void everyMutantIsRefusedNamingTableTokenAndPosition(@ForAll("mutants") Mutant m) {
        FilterException e = catchThrowableOfType(FilterException.class,
                () -> FilterValidator.validate(FilterSpec.builder().filteredTable(TABLE, m.text()).build()));
        assertThat(e).as("mutant accepted: %s", m.text()).isNotNull();
        assertNamesTableTokenAndPosition(e, TABLE, m.text());
        int p = e.position();
        if (m.payload().equals("(") || m.payload().equals(")")) {
            // an extra parenthesis pairs with another one: the clause fails where the pairs run out
            assertThat(p).isNotNegative();
        } else {
            // the token before the payload may be the one at fault ("name (" is a call, "NOT x" needs
            // IN/LIKE/..., a bare GLOB is no operand), or the one after it when the payload fits
            // where it is ("CAST(x AS randomblob(8) INT)": randomblob(8) is a type name there)
            assertThat(p).as("offending token %s at %d; payload at %d", e.token(), p, m.at())
                    .isBetween(m.previous(), m.at() + m.payload().length() + 1);
        }
    }

    /** The exception names the table, the token and its position, as data and in the message. */
    static void assertNamesTableTokenAndPosition(FilterException e, String table, String clause) {
        assertThat(e.table()).contains(table);
        if (e.getMessage().endsWith("the WHERE clause is empty")) {
            return;
        }
        assertThat(e.token()).isPresent();
        String token = e.token().get();
        int p = e.position();
        assertThat(p).isBetween(0, clause.length());
        if (token.isEmpty()) {
            assertThat(p).as("an empty token means the end of the clause").isEqualTo(clause.length());
        } else if (token.length() == 40 && token.endsWith("...")) {
            assertThat(clause.startsWith(token.substring(0, 37), p)).as("token %s at %d", token, p).isTrue();
        } else {
            assertThat(clause.startsWith(token, p)).as("token %s at %d of %s", token, p, clause).isTrue();
        }
        assertThat(e.getMessage()).contains("'" + table + "'").contains(token).contains("position " + p);
    }

    /**
     * A clause with a payload inserted at one token boundary: the payload starts at {@code at},
     * the token before it at {@code previous}.
     */
    record Mutant(String text, String payload, int at, int previous) {
        static Mutant of(Clause clause, String payload, int boundary, long caseSeed) {
            int[] candidates = java.util.stream.IntStream.range(0, clause.boundaries().length)
                    .filter(i -> !payload.equals(ESCAPE) || clause.depths()[i] == 0).toArray();
            int i = candidates[boundary % candidates.length];
            int b = clause.boundaries()[i];
            int previous = i == 0 ? 0 : clause.boundaries()[i - 1];
            String p = (caseSeed & 1) == 0 ? payload : payload.toLowerCase(Locale.ROOT);
            String text = clause.text().substring(0, b) + " " + p + " " + clause.text().substring(b);
            return new Mutant(text, p, b + 1, previous);
        }
    }
}
