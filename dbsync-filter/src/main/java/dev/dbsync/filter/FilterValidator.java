package dev.dbsync.filter;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import dev.dbsync.filter.internal.PublicationPlan;
import dev.dbsync.filter.internal.PublishedViews;
import dev.dbsync.filter.internal.SourceCatalog;
import dev.dbsync.filter.internal.WhereClauseParser;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import dev.dbsync.api.SqlName;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a {@link FilterSpec} before anything is published.
 *
 * <p>{@link #validate(FilterSpec)} is the allowlist check of every WHERE clause: each must be
 * a single SQLite expression made of column references, literals, operators,
 * {@code IS [NOT] NULL}, {@code [NOT] IN} over literals, {@code [NOT] BETWEEN},
 * {@code LIKE}/{@code GLOB} (with {@code ESCAPE}), {@code CASE}, {@code CAST}, parentheses and
 * calls of deterministic scalar functions ({@code lower}, {@code upper}, {@code length},
 * {@code abs}, {@code coalesce}, {@code ifnull}, {@code nullif}, {@code substr}, {@code trim},
 * {@code instr}, {@code round}, {@code date}, {@code time}, {@code datetime},
 * {@code julianday}, {@code strftime}, {@code json_extract}, …). Anything else — {@code ;},
 * comments, subqueries, statement keywords, parameters, other functions, unbalanced
 * parentheses, empty clauses, nesting deeper than 200 levels, clauses longer than 1 MiB — is
 * rejected with a {@link FilterException} naming the table, the token and its character
 * position. Checking is linear in the clause's length, uses constant memory and no deep
 * recursion: hostile input only ever yields a {@code FilterException}.
 *
 * <p>{@link #validateAgainst(FilterSpec, Path)} also checks the spec against a source
 * database: every table, view and column named must exist (names compare as SQLite compares
 * them, folding the case of ASCII letters only: see {@link SqlName}), each WHERE clause is
 * compiled by SQLite against its table ({@code MATCH} only on a full-text table), every listed
 * virtual table must be publishable (a known module that stores its rows, or an
 * external-content table listed whole with its published content table; see
 * {@link SnapshotProducer}), and every listed view must compile against the published tables
 * alone, as production requires.
 *
 * <pre>{@code
 * FilterValidator.validate(spec);                              // syntax only
 * FilterValidator.validateAgainst(spec, Path.of("bo.db"));    // and names, compiled by SQLite
 * PublicationReview plan = FilterValidator.plan(spec, Path.of("bo.db")); // what is published, and why
 * }</pre>
 *
 * <p>{@link #plan(FilterSpec, Path)} checks the spec as {@code validateAgainst} does and
 * returns the publication plan: for every object of the source whether a snapshot publishes,
 * blanks, rebuilds, drops it or leaves it absent, and why ({@link PublicationReview}).
 *
 * <p>Stateless and thread-safe.
 */
public final class FilterValidator {
    private FilterValidator() {
    }

    /**
     * Checks the structure of the spec and the syntax of every WHERE clause.
     *
     * @param spec the spec to check
     * @throws FilterException if a clause is not an allowed expression, or a partial table
     *     lists a column twice (under any spellings SQLite considers the same name)
     */
    public static void validate(FilterSpec spec) {
        Objects.requireNonNull(spec, "spec");
        for (Map.Entry<String, String> e : spec.filteredTables().entrySet()) {
            WhereClauseParser.check(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, PartialTable> e : spec.partialTables().entrySet()) {
            PartialTable p = e.getValue();
            Map<SqlName, String> seen = new HashMap<>();
            for (String column : p.columns()) {
                String previous = seen.putIfAbsent(SqlName.of(column), column);
                if (previous != null) {
                    throw new FilterException(e.getKey(), "partial table '" + e.getKey() + "' lists column '"
                            + column + "' twice: '" + previous + "' and '" + column
                            + "' name the same column to SQLite");
                }
            }
            if (p.hasWhere()) {
                WhereClauseParser.check(e.getKey(), p.where());
            }
        }
    }

    /**
     * Checks the spec as {@link #validate(FilterSpec)} does, then against the main schema of
     * an open SQLite connection: every table, view and column named must exist, each WHERE
     * clause must compile against its table, and each listed view against the published
     * tables alone (checked in an empty in-memory database). Reads only; runs no WHERE clause.
     *
     * @param spec the spec to check
     * @param source an open connection to the source database (sqlite-jdbc)
     * @throws FilterException if the spec does not fit the source, with SQLite's own message
     *     for a clause it cannot compile
     */
    public static void validateAgainst(FilterSpec spec, Connection source) {
        plan(spec, source);
    }

    /**
     * Checks the spec as {@link #validateAgainst(FilterSpec, Connection)} does and returns its
     * publication plan over the main schema of the connection: the decisions a
     * {@link SnapshotProducer} would carry out on this source, each with its reason. Reads
     * only; runs no WHERE clause.
     *
     * @param spec the spec
     * @param source an open connection to the source database (sqlite-jdbc)
     * @return the plan, one entry per object of the source
     * @throws FilterException if the spec does not fit the source
     */
    public static PublicationReview plan(FilterSpec spec, Connection source) {
        validate(spec);
        Objects.requireNonNull(source, "source");
        try {
            SourceCatalog catalog = SourceCatalog.read(source, "main");
            PublicationPlan plan = PublicationPlan.resolve(spec, catalog, source);
            PublishedViews.check(plan);
            return PlanReview.of(plan, catalog);
        } catch (SQLException e) {
            throw new FilterException(null, null, -1, "cannot read the source schema: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the source database read-only and returns the spec's publication plan over it, as
     * {@link #plan(FilterSpec, Connection)} does.
     *
     * @param spec the spec
     * @param source path of the source SQLite database
     * @return the plan, one entry per object of the source
     * @throws FilterException if the spec does not fit the source
     * @throws dev.dbsync.api.DbsyncException if the source cannot be opened
     */
    public static PublicationReview plan(FilterSpec spec, Path source) {
        validate(spec);
        try (Connection c = SourceCatalog.openReadOnly(source)) {
            return plan(spec, c);
        } catch (SQLException e) {
            throw new dev.dbsync.api.DbsyncException("cannot open source database " + source + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Opens the source database read-only and checks the spec against it, as
     * {@link #validateAgainst(FilterSpec, Connection)} does.
     *
     * @param spec the spec to check
     * @param source path of the source SQLite database
     * @throws FilterException if the spec does not fit the source
     * @throws dev.dbsync.api.DbsyncException if the source cannot be opened
     */
    public static void validateAgainst(FilterSpec spec, Path source) {
        plan(spec, source);
    }
}
