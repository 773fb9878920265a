package dev.dbsync.filter.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.dbsync.api.FilterException;
import dev.dbsync.api.SqlName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The schema of one SQLite database (one schema of a connection): its tables with their
 * columns and indexes, its views. Read once, inside the caller's transaction when it has one,
 * so the catalog matches the data read next.
 *
 * <p>Names are keyed and looked up as SQLite compares them ({@link SqlName}: ASCII case only).
 * Every CREATE statement is held without its comments, so that no published schema text
 * carries them.
 */
public final class SourceCatalog {
    private final String schema;
    private final Map<SqlName, List<SchemaObject>> objects;
    private final List<TriggerInfo> triggers;
    private final List<String> internalTables;

    private SourceCatalog(String schema, Map<SqlName, List<SchemaObject>> objects, List<TriggerInfo> triggers,
            List<String> internalTables) {
        this.schema = schema;
        this.objects = objects;
        this.triggers = triggers;
        this.internalTables = internalTables;
    }

    /**
     * One trigger (never published).
     *
     * @param name its name as stored
     * @param table the table or view it is attached to
     */
    public record TriggerInfo(String name, String table) {
    }

    /** What a name of the table namespace denotes. */
    private enum Kind {
        TABLE("table"), VIEW("view"), SHADOW("shadow table");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private record SchemaObject(Kind kind, String name, TableInfo table, String sql) {
        String describe() {
            return kind.label + " '" + name + "'";
        }
    }

    /** One column, as {@code PRAGMA table_xinfo} describes it. */
    public record ColumnInfo(String name, String declaredType, boolean notNull, int pk, int hidden) {
        /** @return true for generated columns, which cannot be written */
        public boolean generated() {
            return hidden == 2 || hidden == 3;
        }
    }

    /**
     * One index created by a CREATE INDEX statement.
     *
     * @param name its name as stored
     * @param sql its CREATE INDEX statement, without comments
     */
    public record IndexInfo(String name, String sql) {
    }

    /**
     * One table.
     *
     * @param name its name as stored
     * @param sql its CREATE statement, without comments
     * @param virtual whether it is a virtual table
     * @param withoutRowid whether it is a WITHOUT ROWID table
     * @param strict whether it is a STRICT table
     * @param columns its columns, in order
     * @param indexes its explicitly created indexes, sorted by name
     * @param rowidAlias the INTEGER PRIMARY KEY column aliasing the rowid, if any
     */
    public record TableInfo(String name, String sql, boolean virtual, boolean withoutRowid, boolean strict,
            List<ColumnInfo> columns, List<IndexInfo> indexes, Optional<String> rowidAlias) {
        /**
         * @param column a column name, compared as SQLite compares names
         * @return the column, if the table has it
         * @throws FilterException if two columns have that name (SQLite never creates such a
         *     table; the message names both)
         */
        public Optional<ColumnInfo> column(String column) {
            List<ColumnInfo> found = columns.stream().filter(c -> SqlName.same(c.name(), column)).toList();
            if (found.size() > 1) {
                throw new FilterException(name, "'" + column + "' could mean column '" + found.get(0).name()
                        + "' or column '" + found.get(1).name() + "' of table '" + name + "'");
            }
            return found.stream().findFirst();
        }
    }

    /**
     * Opens a database read-only with sqlite-jdbc.
     *
     * @param path the database file
     * @return a read-only connection
     * @throws SQLException if it cannot be opened
     */
    public static Connection openReadOnly(Path path) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        config.setBusyTimeout(5_000);
        return config.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
    }

    /**
     * Reads the catalog of one schema of a connection.
     *
     * @param c the connection
     * @param schema the schema name, e.g. {@code main}
     * @return the catalog
     * @throws SQLException if the schema cannot be read
     */
    public static SourceCatalog read(Connection c, String schema) throws SQLException {
        String q = SqlNames.quote(schema);
        Map<String, String> sqlByName = new LinkedHashMap<>();
        Map<SqlName, List<SchemaObject>> objects = new LinkedHashMap<>();
        List<IndexInfo> indexes = new ArrayList<>();
        Map<String, String> indexTable = new LinkedHashMap<>();
        List<TriggerInfo> triggers = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT type, name, tbl_name, sql FROM " + q
                        + ".sqlite_schema ORDER BY name")) {
            while (rs.next()) {
                String type = rs.getString(1);
                String name = rs.getString(2);
                String sql = rs.getString(4) == null ? null : SqlLexer.withoutComments(rs.getString(4));
                switch (type) {
                    case "table" -> sqlByName.put(name, sql);
                    case "view" -> add(objects, new SchemaObject(Kind.VIEW, name, null, sql));
                    case "index" -> {
                        if (sql != null) {
                            indexes.add(new IndexInfo(name, sql));
                            indexTable.put(name, rs.getString(3));
                        }
                    }
                    case "trigger" -> triggers.add(new TriggerInfo(name, rs.getString(3)));
                    default -> {
                    }
                }
            }
        }
        List<String> internal = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + q + ".table_list")) {
            List<String[]> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new String[] {rs.getString("name"), rs.getString("type"), rs.getString("wr"),
                    rs.getString("strict")});
            }
            for (String[] r : rows) {
                String name = r[0];
                if (SqlName.fold(name).startsWith("sqlite_")) {
                    if (!SqlName.same(name, "sqlite_schema") && !SqlName.same(name, "sqlite_temp_schema")) {
                        internal.add(name);
                    }
                    continue;
                }
                switch (r[1]) {
                    case "shadow" -> add(objects, new SchemaObject(Kind.SHADOW, name, null, null));
                    case "table", "virtual" -> {
                        List<ColumnInfo> columns = "virtual".equals(r[1])
                                ? virtualColumns(c, schema, name, sqlByName.get(name)) : columns(c, schema, name);
                        List<IndexInfo> own = new ArrayList<>();
                        for (IndexInfo i : indexes) {
                            if (SqlName.same(indexTable.get(i.name()), name)) {
                                own.add(i);
                            }
                        }
                        boolean withoutRowid = "1".equals(r[2]);
                        boolean virtual = "virtual".equals(r[1]);
                        Optional<String> alias = virtual || withoutRowid ? Optional.empty()
                                : rowidAlias(c, schema, name, columns);
                        add(objects, new SchemaObject(Kind.TABLE, name, new TableInfo(name, sqlByName.get(name),
                                virtual, withoutRowid, "1".equals(r[3]), List.copyOf(columns), List.copyOf(own),
                                alias), null));
                    }
                    default -> {
                    }
                }
            }
        }
        return new SourceCatalog(schema, objects, List.copyOf(triggers), List.copyOf(internal));
    }

    private static void add(Map<SqlName, List<SchemaObject>> objects, SchemaObject o) {
        objects.computeIfAbsent(SqlName.of(o.name()), k -> new ArrayList<>()).add(o);
    }

    private static List<ColumnInfo> columns(Connection c, String schema, String table) throws SQLException {
        List<ColumnInfo> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid")) {
            ps.setString(1, table);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new ColumnInfo(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, rs.getInt(4),
                            rs.getInt(5)));
                }
            }
        }
        return columns;
    }

    /**
     * The columns of a virtual table, or none when its module is one dbsync does not know and
     * SQLite cannot describe it here (such a table cannot be published, see {@link VirtualTables}).
     */
    private static List<ColumnInfo> virtualColumns(Connection c, String schema, String table, String sql)
            throws SQLException {
        try {
            return columns(c, schema, table);
        } catch (SQLException e) {
            boolean unknown = sql == null || VirtualTableModule.parse(sql)
                    .map(m -> m.kind() == VirtualTableModule.Kind.UNKNOWN).orElse(true);
            if (unknown) {
                return List.of();
            }
            throw e;
        }
    }

    private static Optional<String> rowidAlias(Connection c, String schema, String table, List<ColumnInfo> columns)
            throws SQLException {
        List<ColumnInfo> pk = columns.stream().filter(col -> col.pk() > 0).toList();
        if (pk.size() != 1 || !SqlName.same(pk.get(0).declaredType(), "INTEGER")) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_index_list(?, ?) WHERE origin = 'pk'")) {
            ps.setString(1, table);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.empty() : Optional.of(pk.get(0).name());
            }
        }
    }

    /** @return every table of the schema, virtual ones included, shadow and internal ones not */
    public List<TableInfo> tables() {
        return all(Kind.TABLE).map(SchemaObject::table).toList();
    }

    /** @return every view of the schema: stored name and CREATE VIEW statement (without comments) */
    public List<Map.Entry<String, String>> views() {
        return all(Kind.VIEW).map(v -> Map.entry(v.name(), v.sql())).toList();
    }

    /** @return the stored names of every shadow table of a virtual table */
    public List<String> shadowTables() {
        return all(Kind.SHADOW).map(SchemaObject::name).toList();
    }

    /** @return SQLite's own tables of the schema, such as {@code sqlite_sequence} or {@code sqlite_stat1} */
    public List<String> internalTables() {
        return internalTables;
    }

    /** @return every trigger of the schema */
    public List<TriggerInfo> triggers() {
        return triggers;
    }

    private java.util.stream.Stream<SchemaObject> all(Kind kind) {
        return objects.values().stream().flatMap(List::stream).filter(o -> o.kind() == kind);
    }

    /** @return the schema this catalog describes, e.g. {@code main} */
    public String schema() {
        return schema;
    }

    /**
     * @param name a table name, compared as SQLite compares names
     * @return the table, if the schema has one of that name
     * @throws FilterException if the name could mean two objects of the schema (naming both)
     */
    public Optional<TableInfo> table(String name) {
        return only(name, Kind.TABLE).map(SchemaObject::table);
    }

    /**
     * @param name a name, compared as SQLite compares names
     * @return true when it names a shadow table of a virtual table
     * @throws FilterException if the name could mean two objects of the schema (naming both)
     */
    public boolean isShadowTable(String name) {
        return only(name, Kind.SHADOW).isPresent();
    }

    /**
     * @param name a view name, compared as SQLite compares names
     * @return the view's stored name and CREATE VIEW statement (without comments), if the
     *     schema has it
     * @throws FilterException if the name could mean two objects of the schema (naming both)
     */
    public Optional<Map.Entry<String, String>> view(String name) {
        return only(name, Kind.VIEW).map(v -> Map.entry(v.name(), v.sql()));
    }

    /**
     * The one object a name denotes, if it is of the given kind. SQLite keeps one namespace
     * for tables, views and shadow tables, so two objects of one name can only come from a
     * damaged schema; a name that could mean two is refused rather than resolved to either.
     */
    private Optional<SchemaObject> only(String name, Kind kind) {
        List<SchemaObject> found = objects.getOrDefault(SqlName.of(name), List.of());
        if (found.size() > 1) {
            throw new FilterException(name, "'" + name + "' could mean " + found.get(0).describe() + " or "
                    + found.get(1).describe() + " of the source");
        }
        return found.stream().filter(o -> o.kind() == kind).findFirst();
    }
}
