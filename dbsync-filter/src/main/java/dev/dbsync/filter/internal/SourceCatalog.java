package dev.dbsync.filter.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The schema of one SQLite database (one schema of a connection): its tables with their
 * columns and indexes, its views. Read once, inside the caller's transaction when it has one,
 * so the catalog matches the data read next.
 */
public final class SourceCatalog {
    private final String schema;
    private final Map<String, TableInfo> tables;
    private final Map<String, String> views;
    private final Map<String, String> shadowTables;

    private SourceCatalog(String schema, Map<String, TableInfo> tables, Map<String, String> views,
            Map<String, String> shadowTables) {
        this.schema = schema;
        this.tables = tables;
        this.views = views;
        this.shadowTables = shadowTables;
    }

    /** One column, as {@code PRAGMA table_xinfo} describes it. */
    public record ColumnInfo(String name, String declaredType, boolean notNull, int pk, int hidden) {
        /** @return true for generated columns, which cannot be written */
        public boolean generated() {
            return hidden == 2 || hidden == 3;
        }
    }

    /** One index created by a CREATE INDEX statement. */
    public record IndexInfo(String name, String sql) {
    }

    /**
     * One table.
     *
     * @param name its name as stored
     * @param sql its CREATE statement
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
         * @param column a column name, any case
         * @return the column, if the table has it
         */
        public Optional<ColumnInfo> column(String column) {
            return columns.stream().filter(c -> c.name().equalsIgnoreCase(column)).findFirst();
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
        Map<String, String> views = new LinkedHashMap<>();
        List<IndexInfo> indexes = new ArrayList<>();
        Map<String, String> indexTable = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT type, name, tbl_name, sql FROM " + q
                        + ".sqlite_schema ORDER BY name")) {
            while (rs.next()) {
                String type = rs.getString(1);
                String name = rs.getString(2);
                String sql = rs.getString(4);
                switch (type) {
                    case "table" -> sqlByName.put(name, sql);
                    case "view" -> views.put(name.toLowerCase(Locale.ROOT), name + "\u0000" + sql);
                    case "index" -> {
                        if (sql != null) {
                            indexes.add(new IndexInfo(name, sql));
                            indexTable.put(name, rs.getString(3));
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        Map<String, TableInfo> tables = new LinkedHashMap<>();
        Map<String, String> shadow = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + q + ".table_list")) {
            List<String[]> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new String[] {rs.getString("name"), rs.getString("type"), rs.getString("wr"),
                    rs.getString("strict")});
            }
            for (String[] r : rows) {
                String name = r[0];
                if (name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
                    continue;
                }
                switch (r[1]) {
                    case "shadow" -> shadow.put(name.toLowerCase(Locale.ROOT), name);
                    case "table", "virtual" -> {
                        List<ColumnInfo> columns = "virtual".equals(r[1])
                                ? virtualColumns(c, schema, name, sqlByName.get(name)) : columns(c, schema, name);
                        List<IndexInfo> own = new ArrayList<>();
                        for (IndexInfo i : indexes) {
                            if (indexTable.get(i.name()).equalsIgnoreCase(name)) {
                                own.add(i);
                            }
                        }
                        boolean withoutRowid = "1".equals(r[2]);
                        boolean virtual = "virtual".equals(r[1]);
                        Optional<String> alias = virtual || withoutRowid ? Optional.empty()
                                : rowidAlias(c, schema, name, columns);
                        tables.put(name.toLowerCase(Locale.ROOT), new TableInfo(name, sqlByName.get(name), virtual,
                                withoutRowid, "1".equals(r[3]), List.copyOf(columns), List.copyOf(own), alias));
                    }
                    default -> {
                    }
                }
            }
        }
        return new SourceCatalog(schema, tables, views, shadow);
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
        if (pk.size() != 1 || !pk.get(0).declaredType().equalsIgnoreCase("INTEGER")) {
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

    /** @return the schema this catalog describes, e.g. {@code main} */
    public String schema() {
        return schema;
    }

    /**
     * @param name a table name, any case
     * @return the table, if the schema has one of that name
     */
    public Optional<TableInfo> table(String name) {
        return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * @param name a name, any case
     * @return true when it names a shadow table of a virtual table
     */
    public boolean isShadowTable(String name) {
        return shadowTables.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * @param name a view name, any case
     * @return the view's stored name and CREATE VIEW statement, if the schema has it
     */
    public Optional<Map.Entry<String, String>> view(String name) {
        String v = views.get(name.toLowerCase(Locale.ROOT));
        if (v == null) {
            return Optional.empty();
        }
        int nul = v.indexOf('\u0000');
        return Optional.of(Map.entry(v.substring(0, nul), v.substring(nul + 1)));
    }
}
