package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Legitimate clauses from the {@link ClauseGrammar} are accepted by the validator, compile in
 * SQLite against the {@link FuzzTable}, and filtering the table through {@link SnapshotProducer}
 * keeps exactly the rows SQLite itself selects with {@code SELECT … WHERE (clause)}: the
 * validator neither refuses nor changes legitimate filters.
 *
 * <p>Each property runs jqwik's default 1,000 tries in {@code verify} and 100,000 under
 * {@code -Pstress} (which sets {@code jqwik.tries.default}). The differential property runs a
 * full production per try (create, attach, copy, hash, sync, rename: about 20 ms on the 40-row
 * table, 21 s for 1,000 tries on a 2-core machine), so it dominates this class.
 */
class ClauseGrammarProperties {
    private static final Pattern MATCH = Pattern.compile("(?i)(?<![a-z0-9_])match(?![a-z0-9_])");

    /** Nesting depth of generated expressions. */
    static final int DEPTH = 5;

    private static Path dir;
    private static Path source;
    private static Connection direct;

    @BeforeContainer
    static void createSource() throws IOException, SQLException {
        dir = Files.createTempDirectory("clause-grammar");
        source = dir.resolve("source.db");
        FuzzTable.create(source);
        direct = SqliteFiles.open(source);
    }

    @AfterContainer
    static void deleteSource() throws IOException, SQLException {
        direct.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Provide
    Arbitrary<Clause> clauses() {
        return ClauseGrammar.clauses(DEPTH, false);
    }

    @Provide
    Arbitrary<Clause> deterministicClauses() {
        return ClauseGrammar.clauses(DEPTH, true);
    }

    @Property
    void everyGeneratedClauseIsAccepted(@ForAll("clauses") Clause clause) {
        FilterSpec spec = FilterSpec.builder().filteredTable(FuzzTable.TABLE, clause.text()).build();
        assertThatCode(() -> FilterValidator.validate(spec)).doesNotThrowAnyException();
    }

    @Property
    void everyGeneratedClauseCompilesInSqlite(@ForAll("clauses") Clause clause) throws SQLException {
        try (PreparedStatement ps = direct.prepareStatement("SELECT id FROM items WHERE (" + clause.text() + ")")) {
            assertThat(ps.getMetaData().getColumnCount()).isEqualTo(1);
        }
        FilterSpec spec = FilterSpec.builder().filteredTable(FuzzTable.TABLE, clause.text()).build();
        if (usesMatch(clause)) {
            // SQLite compiles it and fails on the first row it tests: refused before that
            assertThatThrownBy(() -> FilterValidator.validateAgainst(spec, direct))
                    .isInstanceOf(FilterException.class).hasMessageContaining("MATCH");
            return;
        }
        assertThatCode(() -> FilterValidator.validateAgainst(spec, direct)).doesNotThrowAnyException();
    }

    /** MATCH on the fuzz table, which is not a full-text table (no generated literal holds the word). */
    private static boolean usesMatch(Clause clause) {
        return MATCH.matcher(clause.text()).find();
    }

    @Property
    void productionKeepsExactlyTheRowsSqliteSelects(@ForAll("deterministicClauses") Clause clause)
            throws SQLException {
        Outcome expected = directly(clause.text());
        FilterSpec spec = FilterSpec.builder().filteredTable(FuzzTable.TABLE, clause.text()).build();
        Path out = dir.resolve("out.db");
        Outcome actual;
        try {
            SnapshotProducer.builder(source).build().produce(out, spec, 1);
            actual = new Outcome(SqliteFiles.column(out, "SELECT id FROM items ORDER BY id").stream()
                    .map(o -> ((Number) o).longValue()).toList(), null);
        } catch (dev.dbsync.api.DbsyncException e) {
            // run-time errors (e.g. abs() overflow, MATCH outside FTS) must fail both ways
            actual = new Outcome(List.of(), e.getMessage());
        }
        if (usesMatch(clause)) {
            assertThat(actual.error()).as("MATCH outside FTS is refused whatever the rows").contains("MATCH");
            return;
        }
        assertThat(actual.failed()).as("failed producing (%s) while SQLite says (%s)", actual.error(),
                expected.error()).isEqualTo(expected.failed());
        assertThat(actual.ids()).isEqualTo(expected.ids());
    }

    private record Outcome(List<Long> ids, String error) {
        boolean failed() {
            return error != null;
        }
    }

    private static Outcome directly(String where) {
        try (PreparedStatement ps = direct.prepareStatement("SELECT id FROM items WHERE (" + where + ") ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return new Outcome(ids, null);
        } catch (SQLException e) {
            return new Outcome(List.of(), e.getMessage());
        }
    }
}
