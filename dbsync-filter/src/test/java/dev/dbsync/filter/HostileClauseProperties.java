package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arbitrary input never makes the validator misbehave: random Unicode (surrogates, control
 * characters, NUL), near-SQL made of random fragments (unterminated literals, identifiers and
 * comments, stray quotes and brackets) and pathological sizes are either accepted or refused
 * with a {@link FilterException}: never another exception, never a {@link StackOverflowError}.
 *
 * <p>Time is measured, not asserted: the properties report how long checks took as jqwik
 * statistics, the pathological examples log it (each is bounded by a 30 s hang guard). Memory
 * stays constant by construction (tokens are read lazily, four at most held) and the tests run
 * in the surefire JVM's 1 GiB heap.
 *
 * <p>The engine caps clauses at {@value dev.dbsync.filter.internal.WhereClauseParser#MAX_LENGTH}
 * characters, so the 2 MB string literal and the million-term {@code AND} chain are refused
 * with a {@code FilterException} at that position; the longest chain under the cap is
 * accepted.
 */
class HostileClauseProperties {
    private static final Logger LOG = LoggerFactory.getLogger(HostileClauseProperties.class);
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static Connection sqlite;

    private static final List<String> FRAGMENTS = List.of("(", ")", "((", "))", "'", "''", "\"", "`", "[", "]",
            "--", "/*", "*/", ";", "?", "?1", ":", ":x", "@", "$", "#x", "x'", "X'0", "X'00'", "0x", "0x1", "1e", "1e+",
            "1_", "_1", "1__2", ".", "..", ",", "AND", "OR", "NOT", "SELECT", "lower", "lower(", "CASE", "WHEN", "THEN",
            "ELSE", "END", "CAST", "AS", "IN", "BETWEEN", "IS", "NULL", "DISTINCT", "FROM", "ESCAPE", "COLLATE", "LIKE",
            "\u0000", "\u000B", "\u0001", "\u007F", "\uD800", "\uDC00", "\uFEFF", "\u00A0", "\u2028", "😀", "é", " ",
            "\n", "\t", "a", "1", "'x'", "->", "->>", "||", "<>", "!", "!=", "=", "==", "~", "\\", "a.b", "t.", "*", "'\u0000'", "\"n\u0000\"", "[\u0000]",
            "-", "+", "%", "&", "|", "<<", ">>", "\"x\"\"", "[x", "`x``", "'it''s");

    @Provide
    Arbitrary<String> unicode() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    @Provide
    Arbitrary<String> nearSql() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of(FRAGMENTS)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(3)));
        return piece.list().ofMaxSize(40).map(l -> String.join(l.size() % 3 == 0 ? "" : " ", l));
    }

    @Property
    void randomUnicodeIsAcceptedOrRefusedWithFilterException(@ForAll("unicode") String clause) {
        checkAcceptsOrRefuses(clause);
    }

    @Property
    void randomNearSqlIsAcceptedOrRefusedWithFilterException(@ForAll("nearSql") String clause) {
        checkAcceptsOrRefuses(clause);
    }

    @BeforeContainer
    static void openSqlite() throws SQLException {
        sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement s = sqlite.createStatement()) {
            s.execute(FuzzTable.DDL);
        }
    }

    @AfterContainer
    static void closeSqlite() throws SQLException {
        sqlite.close();
    }

    /**
     * A clause the validator accepts may still fail to compile (unknown names, wrong arities),
     * but SQLite must tokenize it as the validator did: an "unrecognized token" from SQLite
     * means the two disagree on where a literal, name or comment ends.
     */
    private static void assertSqliteTokenizesAlike(String clause) {
        try (PreparedStatement ps = sqlite.prepareStatement("SELECT 1 FROM items WHERE (" + clause + ")")) {
            Statistics.label("sqlite").collect("compiles");
        } catch (SQLException e) {
            Statistics.label("sqlite").collect("refuses");
            assertThat(e.getMessage()).as("SQLite reads %s differently", clause).doesNotContain("unrecognized token");
        }
    }

    private static void checkAcceptsOrRefuses(String clause) {
        long started = System.nanoTime();
        Optional<FilterException> refused = validate(clause);
        long micros = (System.nanoTime() - started) / 1000;
        Statistics.label("outcome").collect(refused.isPresent() ? "refused" : "accepted");
        Statistics.label("time").collect(micros < 100 ? "< 0.1 ms" : micros < 1000 ? "< 1 ms" : micros < 10_000
                ? "< 10 ms" : ">= 10 ms");
        refused.ifPresent(e -> {
            if (!clause.isBlank()) {
                ClauseMutationProperties.assertNamesTableTokenAndPosition(e, "items", clause);
            }
        });
        if (refused.isEmpty()) {
            assertSqliteTokenizesAlike(clause);
        }
    }

    /** @return the refusal, or empty when accepted; any other throwable fails the test */
    private static Optional<FilterException> validate(String clause) {
        try {
            FilterValidator.validate(FilterSpec.builder().filteredTable("items", clause).build());
            return Optional.empty();
        } catch (FilterException e) {
            return Optional.of(e);
        }
    }

    private static Optional<FilterException> timed(String what, String clause) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            long started = System.nanoTime();
            Optional<FilterException> r = validate(clause);
            LOG.info("{} ({} chars): {} in {} ms", what, clause.length(),
                    r.map(e -> "refused: " + e.getMessage().substring(0, Math.min(120, e.getMessage().length())))
                            .orElse("accepted"), (System.nanoTime() - started) / 1_000_000);
            return r;
        });
    }

    @Example
    void refusesHundredThousandNestedParentheses() {
        String clause = "(".repeat(100_000) + "a" + ")".repeat(100_000);
        assertThat(timed("100,000 nested parentheses", clause)).hasValueSatisfying(e -> {
            assertThat(e.getMessage()).contains("nested deeper than 200");
            assertThat(e.token()).contains("(");
        });
    }

    @Example
    void refusesHundredThousandUnclosedParentheses() {
        assertThat(timed("100,000 unclosed parentheses", "(".repeat(100_000))).isPresent();
    }

    @Example
    void refusesHundredThousandNestedCallsCastsAndCases() {
        assertThat(timed("nested calls", "lower(".repeat(100_000) + "a" + ")".repeat(100_000))).isPresent();
        assertThat(timed("nested casts", "CAST(".repeat(50_000) + "a" + " AS INT)".repeat(50_000))).isPresent();
        assertThat(timed("nested cases", "CASE WHEN ".repeat(40_000) + "1" + " THEN 1 END".repeat(40_000)))
                .isPresent();
    }

    @Example
    void survivesHundredThousandPrefixOperators() {
        // iterative: accepted by the validator; SQLite itself refuses such depth when compiling
        assertThat(timed("100,000 NOTs", "NOT ".repeat(100_000) + "a")).isEmpty();
        assertThat(timed("100,000 minus signs", "- ".repeat(100_000) + "a")).isEmpty();
    }

    @Example
    void refusesMillionTermAndChainAboveTheLengthCap() {
        String clause = "a = 1 AND ".repeat(999_999) + "a = 1";
        assertThat(timed("million-term AND chain", clause)).hasValueSatisfying(e ->
                assertThat(e.position()).isEqualTo(1 << 20));
    }

    @Example
    void acceptsTheLongestAndChainUnderTheLengthCap() {
        int terms = ((1 << 20) - 1) / 6;
        String clause = "1 AND ".repeat(terms - 1) + "1";
        assertThat(clause.length()).isLessThanOrEqualTo(1 << 20);
        assertThat(timed(terms + "-term AND chain", clause)).isEmpty();
        String mixed = "a = 1 OR b < 2 AND c || 'x' = 'y' + 3 * 4 OR ".repeat(20_000) + "1";
        assertThat(timed("20,000 mixed-precedence terms", mixed)).isEmpty();
    }

    @Example
    void refusesTwoMegabyteStringLiteralAboveTheLengthCap() {
        String clause = "a = '" + "x".repeat(2 << 20) + "'";
        assertThat(timed("2 MB string literal", clause)).hasValueSatisfying(e ->
                assertThat(e.getMessage()).contains("at most " + (1 << 20)));
    }

    @Example
    void acceptsLongLiteralsUnderTheCapAndRefusesUnterminatedOnes() {
        String literal = "'" + "it''s; -- /* ".repeat(70_000) + "'";
        assertThat(timed("1 MB string literal", "a = " + literal)).isEmpty();
        assertThat(timed("unterminated 1 MB literal", "a = '" + "x".repeat(1_000_000))).hasValueSatisfying(e ->
                assertThat(e.position()).isEqualTo(4));
        assertThat(timed("unterminated quoted name", "\"" + "x".repeat(1_000_000))).isPresent();
        assertThat(timed("unterminated bracket", "a = [" + "x".repeat(1_000_000))).isPresent();
        assertThat(timed("unterminated comment", "a /*" + "x".repeat(1_000_000))).isPresent();
        assertThat(timed("blob of a million digits", "a = X'" + "0".repeat(1_000_001) + "'")).isPresent();
    }
}
