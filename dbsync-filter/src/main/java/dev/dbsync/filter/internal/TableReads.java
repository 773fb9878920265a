package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.filter.internal.SourceCatalog.ColumnInfo;
import dev.dbsync.filter.internal.SourceCatalog.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How production reads an ordinary table of the source: from the table's own b-tree only,
 * never through an index. An index is a second copy of some columns that SQLite trusts to
 * match the table; in a hostile source it need not (an index whose {@code CREATE INDEX} text
 * was edited through {@code writable_schema}, or a damaged file that {@code quick_check} does
 * not catch), and a query answered from it would let the index decide which rows pass the
 * WHERE clause and what a listed column holds. So every read names the table
 * {@code NOT INDEXED}, a WITHOUT ROWID table is read in primary-key order (SQLite 3.40 still
 * scans a covering secondary index of a WITHOUT ROWID table under {@code NOT INDEXED}
 * otherwise), and the plan SQLite chose is checked before the statement runs: a plan that uses
 * any index is refused.
 */
final class TableReads {
    /** A plan step that reads an index: {@code USING INDEX}, {@code USING COVERING INDEX}, automatic ones. */
    private static final Pattern INDEX_STEP = Pattern.compile("\\bUSING\\b.*\\bINDEX\\b");

    private TableReads() {
    }

    /**
     * @param schema the schema the source is attached as
     * @param info an ordinary table of the source
     * @return the FROM operand that reads the table's b-tree: {@code schema."t" NOT INDEXED}
     */
    static String from(String schema, TableInfo info) {
        return schema + "." + SqlNames.quote(info.name()) + " NOT INDEXED";
    }

    /**
     * @param info a WITHOUT ROWID table
     * @return {@code ORDER BY} its primary-key columns in key order, the order of its b-tree
     */
    static String primaryKeyOrder(TableInfo info) {
        List<String> pk = info.columns().stream().filter(c -> c.pk() > 0)
                .sorted(Comparator.comparingInt(ColumnInfo::pk)).map(c -> SqlNames.quote(c.name())).toList();
        return pk.isEmpty() ? "" : "ORDER BY " + String.join(", ", pk);
    }

    /**
     * Refuses a statement whose query plan reads any index of the source.
     *
     * @param c the connection the statement runs on
     * @param table the table it reads, for the message
     * @param sql the statement
     * @throws FilterException naming the table and the plan step if SQLite would read an index
     * @throws SQLException if SQLite cannot plan it
     */
    static void checkPlan(Connection c, String table, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String step = rs.getString("detail");
                if (step != null && INDEX_STEP.matcher(step).find()) {
                    throw new FilterException(table, "SQLite would read table '" + table + "' of the source through an"
                            + " index (" + step + "): dbsync reads tables only from their own rows, so that an index"
                            + " that does not match its table cannot decide what is published; check the source with"
                            + " PRAGMA integrity_check, and rebuild the index (REINDEX) or drop it");
                }
            }
        }
    }
}
