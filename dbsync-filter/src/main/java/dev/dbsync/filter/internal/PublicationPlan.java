package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.HeaderField;
import dev.dbsync.api.PartialTable;
import dev.dbsync.api.SqlName;
import dev.dbsync.filter.internal.SourceCatalog.ColumnInfo;
import dev.dbsync.filter.internal.SourceCatalog.IndexInfo;
import dev.dbsync.filter.internal.SourceCatalog.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A {@link FilterSpec} resolved against a source catalog: the tables to publish with their
 * stored names, row filters and blanked columns, and the views, each list in a fixed order
 * (by name) so that production is deterministic whatever order the spec lists them in.
 * Names of the spec meet names of the source as SQLite compares them ({@link SqlName}).
 *
 * Every decision production makes is taken here, once: which tables, rows and columns, which
 * indexes and constraints (those mentioning a blanked column are dropped), which header fields;
 * {@link SnapshotWriter} carries the plan out and {@code FilterValidator.plan} reports it.
 *
 * @param tables the tables to publish, sorted by name
 * @param views the views to publish (stored name, CREATE VIEW statement), sorted by name
 * @param header the source's header fields
 */
public record PublicationPlan(List<PlannedTable> tables, List<Map.Entry<String, String>> views, Header header) {
    private static final Comparator<String> BY_NAME =
            Comparator.comparing(SqlName::fold).thenComparing(Comparator.naturalOrder());

    /** How a table is published. */
    public enum Category {
        /** Every row, every column. */
        FULL,
        /** The rows matching a WHERE clause. */
        FILTERED,
        /** Some columns, of the rows matching an optional WHERE clause. */
        PARTIAL
    }

    /**
     * Header fields of the source, read with {@code PRAGMA} through the connection, and which of
     * them the spec publishes. The snapshot gets the listed fields' values and 0 for the others
     * ({@link #published(HeaderField)}); its encoding is the source's, its page size the
     * producer's, and it has no auto-vacuum.
     *
     * @param userVersion the source's {@code PRAGMA user_version}
     * @param applicationId the source's {@code PRAGMA application_id}
     * @param listed the fields the spec publishes
     * @param encoding {@code PRAGMA encoding}
     * @param pageSize {@code PRAGMA page_size}
     * @param autoVacuum {@code PRAGMA auto_vacuum} (0 none, 1 full, 2 incremental)
     */
    public record Header(long userVersion, long applicationId, Set<HeaderField> listed, String encoding,
            long pageSize, long autoVacuum) {
        /**
         * @param field a header field
         * @return its value in the source
         */
        public long source(HeaderField field) {
            return switch (field) {
                case USER_VERSION -> userVersion;
                case APPLICATION_ID -> applicationId;
            };
        }

        /**
         * @param field a header field
         * @return its value in the snapshot: the source's when the spec lists it, else 0
         */
        public long published(HeaderField field) {
            return listed.contains(field) ? source(field) : 0;
        }
    }

    /**
     * An index of a published table that is not built in the snapshot.
     *
     * @param index the index
     * @param blankedColumn the blanked column it mentions, as written in it
     */
    public record DroppedIndex(IndexInfo index, String blankedColumn) {
    }

    /**
     * One table to publish.
     *
     * @param info the table in the source
     * @param category how it is published
     * @param where its row filter, if any
     * @param blanked the columns whose values are withheld: on a partial table, every column
     *     not listed, generated ones included (they become plain columns holding NULL or
     *     their type's zero value, so nothing derived from withheld data is published)
     * @param ddl the CREATE TABLE statement of the snapshot's table: the source's, without
     *     comments, rewritten by {@link TableDdl#rewrite} (blanked columns, foreign keys to
     *     unpublished tables)
     * @param indexes the indexes built in the snapshot, sorted by name
     * @param droppedIndexes the indexes not built: those that mention a blanked column
     * @param droppedConstraints the constraints the DDL rewrite dropped: those that mention a
     *     blanked column, and foreign keys to unpublished tables
     */
    public record PlannedTable(TableInfo info, Category category, Optional<String> where, List<ColumnInfo> blanked,
            String ddl, List<IndexInfo> indexes, List<DroppedIndex> droppedIndexes,
            List<TableDdl.DroppedConstraint> droppedConstraints) {
        /**
         * @param column a column name, compared as SQLite compares names
         * @return true when the column's values are withheld
         */
        public boolean isBlanked(String column) {
            return hasColumn(blanked, column);
        }

        /**
         * @return true for an ordinary table declared AUTOINCREMENT: the snapshot's
         *     {@code sqlite_sequence} then holds its counter, kept by SQLite as the published
         *     rows are inserted
         */
        public boolean autoincrement() {
            return !info.virtual() && SqlLexer.tokenize(ddl).stream().anyMatch(k -> k.isWord(ddl, "AUTOINCREMENT"));
        }
    }

    /**
     * Resolves a spec against a catalog and compiles each WHERE clause with SQLite.
     *
     * @param spec the spec, already syntax-checked
     * @param catalog the source schema
     * @param connection the connection the catalog was read from, to compile the clauses
     * @return the plan
     * @throws FilterException if a name does not exist or could mean two objects, a clause
     *     does not compile, a listed generated column reads a blanked one, or a virtual table
     *     cannot be published (see {@link VirtualTables})
     */
    public static PublicationPlan resolve(FilterSpec spec, SourceCatalog catalog, Connection connection) {
        List<PlannedTable> tables = new ArrayList<>();
        List<String> names = new ArrayList<>(spec.fullTables());
        names.addAll(spec.filteredTables().keySet());
        names.addAll(spec.partialTables().keySet());
        Predicate<String> published = n -> names.stream().anyMatch(p -> SqlName.same(p, n));
        for (String t : spec.fullTables()) {
            TableInfo info = find(catalog, t);
            tables.add(planned(info, Category.FULL, Optional.empty(), List.of(), published));
        }
        for (Map.Entry<String, String> e : spec.filteredTables().entrySet()) {
            TableInfo info = find(catalog, e.getKey());
            tables.add(planned(info, Category.FILTERED, Optional.of(e.getValue()), List.of(), published));
        }
        for (Map.Entry<String, PartialTable> e : spec.partialTables().entrySet()) {
            TableInfo info = find(catalog, e.getKey());
            PartialTable p = e.getValue();
            for (String column : p.columns()) {
                if (info.column(column).isEmpty()) {
                    throw new FilterException(e.getKey(), "partial table '" + e.getKey() + "' has no column '"
                            + column + "'");
                }
            }
            List<ColumnInfo> blanked = new ArrayList<>();
            for (ColumnInfo c : info.columns()) {
                boolean listed = p.columns().stream().anyMatch(n -> SqlName.same(n, c.name()));
                if (!listed && (c.hidden() == 0 || c.generated())) {
                    if (info.withoutRowid() && c.pk() > 0) {
                        throw new FilterException(e.getKey(), "partial table '" + e.getKey()
                                + "' is WITHOUT ROWID: its PRIMARY KEY column '" + c.name() + "' must be published");
                    }
                    blanked.add(c);
                }
            }
            tables.add(planned(info, Category.PARTIAL, p.hasWhere() ? Optional.of(p.where()) : Optional.empty(),
                    List.copyOf(blanked), published));
        }
        VirtualTables.check(tables, catalog);
        for (PlannedTable t : tables) {
            if (t.where().isPresent()) {
                compile(connection, catalog.schema(), t.info(), t.where().get());
            }
        }
        tables.sort(Comparator.comparing(t -> t.info().name(), BY_NAME));
        List<Map.Entry<String, String>> views = new ArrayList<>();
        for (String v : spec.views()) {
            views.add(catalog.view(v).orElseThrow(() -> new FilterException(v, "view '" + v
                    + "' named in the filter spec does not exist in the source")));
        }
        views.sort(Map.Entry.comparingByKey(BY_NAME));
        return new PublicationPlan(List.copyOf(tables), List.copyOf(views),
                header(connection, catalog.schema(), spec.headerFields()));
    }

    /**
     * A table as the snapshot holds it: its DDL rewritten by {@link TableDdl} (a virtual table's
     * as written), and its indexes split into those built and those that mention a blanked
     * column.
     */
    private static PlannedTable planned(TableInfo info, Category category, Optional<String> where,
            List<ColumnInfo> blanked, Predicate<String> published) {
        TableDdl.SnapshotDdl ddl = info.virtual() ? new TableDdl.SnapshotDdl(info.sql(), List.of())
                : TableDdl.rewrite(info.name(), info.sql(), n -> hasColumn(blanked, n), info.rowidAlias().orElse(null),
                        published);
        List<IndexInfo> built = new ArrayList<>();
        List<DroppedIndex> dropped = new ArrayList<>();
        for (IndexInfo index : info.indexes()) {
            Optional<String> mention = blanked.isEmpty() ? Optional.empty()
                    : TableDdl.indexMention(index.sql(), n -> hasColumn(blanked, n));
            if (mention.isPresent()) {
                dropped.add(new DroppedIndex(index, mention.get()));
            } else {
                built.add(index);
            }
        }
        return new PlannedTable(info, category, where, blanked, ddl.sql(), List.copyOf(built), List.copyOf(dropped),
                ddl.dropped());
    }

    private static Header header(Connection c, String schema, Set<HeaderField> listed) {
        String q = SqlNames.quote(schema);
        try (Statement s = c.createStatement()) {
            return new Header(pragma(s, q, "user_version"), pragma(s, q, "application_id"), Set.copyOf(listed),
                    text(s, "PRAGMA encoding"), pragma(s, q, "page_size"), pragma(s, q, "auto_vacuum"));
        } catch (SQLException e) {
            throw new FilterException(null, null, -1, "cannot read the source's header fields: " + e.getMessage(), e);
        }
    }

    private static long pragma(Statement s, String schema, String name) throws SQLException {
        return Long.parseLong(text(s, "PRAGMA " + schema + "." + name));
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean hasColumn(List<ColumnInfo> columns, String name) {
        return columns.stream().anyMatch(c -> SqlName.same(c.name(), name));
    }

    private static TableInfo find(SourceCatalog catalog, String table) {
        Optional<TableInfo> info = catalog.table(table);
        if (info.isPresent()) {
            return info.get();
        }
        if (catalog.isShadowTable(table)) {
            throw new FilterException(table, "table '" + table
                    + "' is a shadow table of a virtual table; publish the virtual table instead");
        }
        if (catalog.view(table).isPresent()) {
            throw new FilterException(table, "'" + table + "' is a view; list it in the spec's views");
        }
        throw new FilterException(table, "table '" + table + "' named in the filter spec does not exist in the source");
    }

    private static void compile(Connection c, String schema, TableInfo info, String where) {
        String table = info.name();
        boolean fullText = info.virtual() && VirtualTableModule.parse(info.sql())
                .map(m -> FtsOptions.isFts(m.kind())).orElse(false);
        if (!fullText && SqlLexer.tokenize(where).stream().anyMatch(tok -> tok.isWord(where, "MATCH"))) {
            // SQLite compiles it, then fails on the first row: MATCH is implemented by FTS tables only
            throw new FilterException(table, "table '" + table + "': the WHERE clause uses MATCH, which only a"
                    + " full-text (FTS3/FTS4/FTS5) table supports; '" + table + "' is not one");
        }
        String sql = "SELECT 1 FROM " + SqlNames.quote(schema) + "." + SqlNames.quote(table) + " WHERE (" + where + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.getMetaData();
        } catch (SQLException e) {
            throw new FilterException(table, null, -1, "table '" + table + "': SQLite cannot compile the WHERE clause: "
                    + e.getMessage(), e);
        }
    }
}
