package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.HeaderField;
import dev.dbsync.api.SqlName;
import dev.dbsync.filter.internal.PublicationPlan.Category;
import dev.dbsync.filter.internal.PublicationPlan.PlannedTable;
import dev.dbsync.filter.internal.SourceCatalog.ColumnInfo;
import dev.dbsync.filter.internal.SourceCatalog.IndexInfo;
import dev.dbsync.filter.internal.SourceCatalog.TableInfo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Fills a new, empty destination database with the published part of a source database,
 * without ever writing an unpublished byte: the source is attached read-only and, inside one
 * read transaction, each published table is created from its DDL and filled by
 * {@code INSERT … SELECT} of only its published rows and columns, in rowid / primary-key
 * order; then the indexes the plan keeps are built (it drops those mentioning a blanked column). Tables are
 * created from the plan's DDL ({@link PublicationPlan.PlannedTable#ddl()}). Virtual tables are
 * written through their own SQL interface only ({@link VirtualTables}): external-content tables
 * are rebuilt from the published tables once the source is detached. Triggers are never
 * copied; listed views are created last and must compile against the published tables.
 */
public final class SnapshotWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
    private static final String SRC = "dbsync_source";

    private SnapshotWriter() {
    }

    /**
     * Writes the snapshot. Virtual tables are written through their own SQL interface only
     * (see {@link VirtualTables}).
     *
     * @param dest an open connection to the new, empty destination database
     * @param source path of the source database
     * @param spec the spec, already syntax-checked
     * @param pageSize the destination's page size
     * @return one report per published table, in the order written
     * @throws SQLException if SQLite fails
     * @throws FilterException if the spec does not fit the source
     */
    public static List<TableCounts> write(Connection dest, Path source, FilterSpec spec, int pageSize)
            throws SQLException {
        try (Statement s = dest.createStatement()) {
            s.execute("PRAGMA main.page_size = " + pageSize);
            s.execute("PRAGMA main.auto_vacuum = NONE");
            s.execute("PRAGMA encoding = '" + SourceHeader.encoding(source) + "'");
            s.execute("PRAGMA main.journal_mode = OFF");
            s.execute("PRAGMA main.synchronous = OFF");
            s.execute("PRAGMA main.locking_mode = EXCLUSIVE");
            s.execute("PRAGMA main.cache_size = -32768");
            s.execute("PRAGMA foreign_keys = OFF");
            s.execute("PRAGMA trusted_schema = OFF");
            // A view or trigger of the source naming main.x explicitly cannot be loaded into an
            // attached schema (SQLite reports the schema as malformed); with writable_schema the
            // attached schema loads without such objects, which are never read (triggers are
            // never copied, views are created from their text in the snapshot). Off again once
            // the source is detached.
            s.execute("PRAGMA writable_schema = ON");
            try (PreparedStatement attach = dest.prepareStatement("ATTACH DATABASE ? AS " + SRC)) {
                attach.setString(1, source.toAbsolutePath().toUri() + "?mode=ro");
                attach.execute();
            }
            List<TableCounts> reports = new ArrayList<>();
            List<PlannedTable> rebuilds = new ArrayList<>();
            Map<String, Long> sourceRows = new HashMap<>();
            PublicationPlan plan;
            s.execute("BEGIN");
            try {
                plan = PublicationPlan.resolve(spec, SourceCatalog.read(dest, SRC), dest);
                for (PlannedTable t : plan.tables()) {
                    long started = System.nanoTime();
                    reports.add(copy(dest, t, rebuilds));
                    if (t.info().virtual()) {
                        String rows = VirtualTables.rowsTable(t.info());
                        sourceRows.put(t.info().name(), longOf(s, "SELECT count(*) FROM " + SRC + "." + q(rows)));
                    }
                    LOG.debug("table {} ({}) written in {} ms", t.info().name(), t.category(),
                            (System.nanoTime() - started) / 1_000_000);
                }
                // header fields are application data like any other: the plan holds the source's
                // value when the spec lists the field, 0 otherwise; each is set either way, which
                // also writes page 1 of a snapshot that publishes nothing
                for (HeaderField f : HeaderField.values()) {
                    s.execute("PRAGMA main." + f.pragma() + " = " + plan.header().published(f));
                }
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(s);
                throw e;
            }
            s.execute("DETACH DATABASE " + SRC);
            s.execute("PRAGMA writable_schema = OFF");
            rebuildAndCount(s, plan.tables(), rebuilds, reports, sourceRows);
            PublishedViews.create(dest, plan.views());
            if (longOf(s, "PRAGMA freelist_count") > 0) {
                s.execute("VACUUM");
            }
            s.execute("PRAGMA main.journal_mode = DELETE");
            return reports;
        }
    }

    private static TableCounts copy(Connection dest, PlannedTable t, List<PlannedTable> rebuilds) throws SQLException {
        TableInfo info = t.info();
        try (Statement s = dest.createStatement()) {
            if (info.virtual()) {
                // written and counted once the source is detached (see rebuildAndCount)
                if (VirtualTables.rebuiltFromContent(info)) {
                    rebuilds.add(t);
                    return null;
                }
                VirtualTables.create(s, info);
                List<String> rowid = new ArrayList<>(List.of("rowid"));
                rowid.addAll(VirtualTables.copiedHiddenColumns(t));
                s.execute(insertSelect(t, rowid, "ORDER BY rowid"));
                return null;
            }
            // never INSERT … SELECT *: SQLite's transfer optimization would copy the stored records
            // and index entries verbatim, with any field the declared columns do not show; every
            // record is rebuilt from the declared columns, and indexes are built from the rows after
            String alias = info.rowidAlias().orElse(null);
            s.execute(t.ddl());
            List<String> extra = new ArrayList<>();
            String order = info.withoutRowid() ? TableReads.primaryKeyOrder(info) : "";
            if (!info.withoutRowid()) {
                Optional<String> rowid = rowidName(info);
                if (rowid.isPresent()) {
                    order = "ORDER BY " + rowid.get();
                    if (alias == null) {
                        extra.add(rowid.get());
                    }
                }
            }
            String insert = insertSelect(t, extra, order);
            TableReads.checkPlan(dest, info.name(), insert);
            s.execute(insert);
            TableCounts r = report(s, t);
            createIndexes(s, t);
            return r;
        }
    }

    private static String insertSelect(PlannedTable t, List<String> rowid, String order) {
        TableInfo info = t.info();
        List<String> targets = new ArrayList<>(rowid);
        List<String> values = new ArrayList<>(rowid);
        for (ColumnInfo c : info.columns()) {
            boolean blanked = t.isBlanked(c.name());
            if ((c.generated() || c.hidden() != 0) && !blanked) {
                continue; // computed by the snapshot's own table; a blanked generated column is a plain one there
            }
            targets.add(q(c.name()));
            values.add(blanked ? blankedValue(info, c) : q(c.name()));
        }
        String from = info.virtual() ? SRC + "." + q(info.name()) : TableReads.from(SRC, info);
        return "INSERT INTO main." + q(info.name()) + "(" + String.join(", ", targets) + ") SELECT "
                + String.join(", ", values) + " FROM " + from
                + t.where().map(w -> " WHERE (" + w + ")").orElse("") + (order.isEmpty() ? "" : " " + order);
    }

    /**
     * @param info a partial table
     * @param c one of its blanked columns
     * @return the SQL literal every row of the snapshot holds in that column: its type's zero
     *     value when NOT NULL, else NULL (for the rowid alias, NULL: the snapshot assigns rowids)
     */
    public static String blankedValue(TableInfo info, ColumnInfo c) {
        boolean alias = info.rowidAlias().map(a -> SqlName.same(a, c.name())).orElse(false);
        return c.notNull() && !alias ? zeroValue(c, info.strict()) : "NULL";
    }

    /** The zero value of a NOT NULL column's type, following SQLite's affinity rules. */
    static String zeroValue(ColumnInfo c, boolean strict) {
        if (strict) {
            // SQLite reads type names folding ASCII letters only, as it does identifiers
            return switch (c.declaredType() == null ? "" : SqlName.fold(c.declaredType())) {
                case "int", "integer" -> "0";
                case "real" -> "0.0";
                case "blob" -> "X''";
                default -> "''";
            };
        }
        return switch (TableDdl.affinity(c.declaredType())) {
            case "INTEGER" -> "0";
            case "REAL" -> "0.0";
            default -> "''";
        };
    }

    private static Optional<String> rowidName(TableInfo info) {
        for (String candidate : List.of("rowid", "_rowid_", "oid")) {
            if (info.column(candidate).isEmpty()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Builds the indexes the plan keeps (it drops those mentioning a blanked column). */
    private static void createIndexes(Statement s, PlannedTable t) throws SQLException {
        for (IndexInfo index : t.indexes()) {
            s.execute(index.sql());
        }
    }

    private static TableCounts report(Statement s, PlannedTable t) throws SQLException {
        long published = longOf(s, "SELECT changes()");
        long withheld = 0;
        if (t.category() != Category.FULL) {
            withheld = longOf(s, "SELECT count(*) FROM " + (t.info().virtual() ? SRC + "." + q(t.info().name())
                    : TableReads.from(SRC, t.info()))) - published;
        }
        return new TableCounts(t.info().name(), published, withheld);
    }

    /**
     * With the source detached, so that nothing can read it: rebuilds every external-content
     * table from the published tables, then counts the rows each virtual table holds in the
     * snapshot (an external-content table reads them from its published content table).
     */
    private static void rebuildAndCount(Statement s, List<PlannedTable> tables, List<PlannedTable> rebuilds,
            List<TableCounts> reports, Map<String, Long> sourceRows) throws SQLException {
        if (sourceRows.isEmpty()) {
            return;
        }
        s.execute("BEGIN");
        try {
            for (PlannedTable t : rebuilds) {
                VirtualTables.rebuild(s, t);
            }
            for (int i = 0; i < reports.size(); i++) {
                if (reports.get(i) == null) {
                    String name = tables.get(i).info().name();
                    long published = longOf(s, "SELECT count(*) FROM main." + q(name));
                    reports.set(i, new TableCounts(name, published, Math.max(0, sourceRows.get(name) - published)));
                }
            }
            s.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(s);
            throw e;
        }
    }

    private static long longOf(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void rollbackQuietly(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction left to roll back; the file is deleted by the caller anyway
        }
    }

    private static String q(String name) {
        return SqlNames.quote(name);
    }
}
