package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteNames.quote;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A random source schema built for {@link LeakProperties}, with what a correct filter must make
 * of it: every marker planted (in a row, a DDL comment or a blanked column's DEFAULT or CHECK)
 * and whether the spec publishes it; the objects the snapshot must hold; the FTS tables and the
 * cells their index must hold; the listed objects production must refuse. Plain tables, their
 * Java-twin tables, columns and views are built here, virtual tables by {@link LeakVirtualTables}.
 * Everything derives from one {@link Random}: the same seed builds the same file and spec.
 */
final class LeakSchema {
    enum Category { UNLISTED, FULL, FILTERED, PARTIAL }

    /** One planted marker: where it is and whether the snapshot may hold it. */
    record Cell(String marker, String table, String column, long rowid, boolean published, String why) {
        String describe() {
            return "marker " + marker + " of table " + SqliteNames.describe(table) + ", column "
                    + SqliteNames.describe(column) + (rowid >= 0 ? ", rowid " + rowid : "") + " (" + why + ")";
        }
    }

    /** An FTS table of the source; when published, its index must hold exactly {@code indexed}. */
    record Fts(String name, int version, String form, boolean published, List<Cell> indexed) {
    }

    /** A plain table: its columns (id, pub, then text columns) and rows (cells per text column). */
    static final class Plain {
        final String name;
        final Category category;
        final String id;
        final String pub;
        final List<String> columns = new ArrayList<>();
        final List<Boolean> listed = new ArrayList<>();
        final List<Long> rowids = new ArrayList<>();
        final List<List<Cell>> rows = new ArrayList<>();
        final List<Long> deleteAfterIndexing = new ArrayList<>();
        boolean withoutRowid;

        Plain(String name, Category category, String id, String pub) {
            this.name = name;
            this.category = category;
            this.id = id;
            this.pub = pub;
        }
    }

    final Random rnd;
    final Connection connection;
    final Statement statement;
    final boolean refusalAllowed;
    final SqliteNames names;
    final FilterSpec.Builder spec = FilterSpec.builder();
    final List<Cell> cells = new ArrayList<>();
    final List<Fts> fts = new ArrayList<>();
    final List<Plain> plains = new ArrayList<>();
    /** SQLite-folded names of the tables and views the snapshot must hold, to stored names. */
    final Map<String, String> published = new LinkedHashMap<>();
    /** Listed objects production must refuse, with the reason. */
    final Map<String, String> refused = new LinkedHashMap<>();
    /** What this schema tries, for failure messages. */
    final List<String> vectors = new ArrayList<>();
    private final Set<String> markers = new HashSet<>();

    private LeakSchema(Random rnd, Connection c, Statement s) {
        this.rnd = rnd;
        this.connection = c;
        this.statement = s;
        this.names = new SqliteNames(rnd);
        this.refusalAllowed = rnd.nextInt(5) == 0;
    }

    /** Builds a random schema with rows into an open, empty source database. */
    static LeakSchema build(Random rnd, Connection c, Statement s) throws SQLException {
        LeakSchema schema = new LeakSchema(rnd, c, s);
        int tables = 1 + rnd.nextInt(4);
        for (int t = 0; t < tables; t++) {
            schema.plain(schema.names.fresh(), Category.values()[rnd.nextInt(4)]);
        }
        if (rnd.nextBoolean()) {
            Plain base = schema.plains.get(rnd.nextInt(schema.plains.size()));
            String twin = schema.names.twin(base.name);
            if (twin != null) {
                Category cat = rnd.nextBoolean() ? Category.UNLISTED : Category.values()[rnd.nextInt(4)];
                schema.vectors.add("twin tables " + SqliteNames.describe(base.name) + " (" + base.category + ") and "
                        + SqliteNames.describe(twin) + " (" + cat + ")");
                schema.plain(twin, cat);
            }
        }
        if (rnd.nextInt(3) == 0) {
            schema.view();
        }
        LeakVirtualTables.add(schema);
        for (Plain p : schema.plains) {
            for (long id : p.deleteAfterIndexing) {
                s.execute("DELETE FROM " + quote(p.name) + " WHERE " + quote(p.id) + " = " + id);
            }
        }
        return schema;
    }

    /** Runs one statement of the generated schema; a failure names the statement. */
    void exec(String sql) throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException("generated statement failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** A new marker: one token of ASCII letters and digits, unique in the schema, mixed case. */
    String marker() {
        while (true) {
            StringBuilder m = new StringBuilder("MK");
            for (int i = 0; i < 14; i++) {
                int k = rnd.nextInt(36);
                m.append(k < 26 ? (char) ((rnd.nextBoolean() ? 'A' : 'a') + k) : (char) ('0' + k - 26));
            }
            if (markers.add(m.toString().toLowerCase(java.util.Locale.ROOT))) {
                return m.toString();
            }
        }
    }

    /** A text value holding the marker twice, as separate tokens, sometimes long enough to overflow. */
    String value(String marker) {
        int words = rnd.nextInt(10) == 0 ? 600 + rnd.nextInt(600) : rnd.nextInt(4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(word()).append(' ');
        }
        b.append(marker).append(' ').append(marker);
        for (int i = 0, n = rnd.nextInt(3); i < n; i++) {
            b.append(' ').append(word());
        }
        return b.toString();
    }

    private String word() {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = 3 + rnd.nextInt(6); i < n; i++) {
            b.append((char) ('a' + rnd.nextInt(26)));
        }
        return b.toString();
    }

    /** Records a marker and whether the snapshot may hold it. */
    Cell cell(String marker, String table, String column, long rowid, boolean published, String why) {
        Cell cell = new Cell(marker, table, column, rowid, published, why);
        cells.add(cell);
        return cell;
    }

    /** Whether a row or a column of a listed table is published, and if not why. */
    static String withheld(Category category, boolean rowPublished, boolean columnListed, boolean deleted) {
        if (deleted) {
            return "row deleted";
        }
        return switch (category) {
            case UNLISTED -> "table unlisted";
            case FULL -> null;
            case FILTERED -> rowPublished ? null : "row withheld";
            case PARTIAL -> !columnListed ? "column blanked" : rowPublished ? null : "row withheld";
        };
    }

    private void plain(String name, Category category) throws SQLException {
        SqliteNames cols = new SqliteNames(rnd);
        Plain p = new Plain(name, category, cols.fresh(), cols.fresh());
        cols.take(name);
        p.withoutRowid = rnd.nextInt(6) == 0;
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            p.columns.add(cols.fresh());
            p.listed.add(rnd.nextBoolean());
        }
        if (rnd.nextBoolean()) {
            int k = rnd.nextInt(n);
            String twin = cols.twin(p.columns.get(k));
            if (twin != null) {
                int at = rnd.nextBoolean() ? k : k + 1;
                p.columns.add(at, twin);
                p.listed.add(at, rnd.nextInt(4) == 0 ? rnd.nextBoolean() : !p.listed.get(k));
            }
        }
        if (rnd.nextInt(4) == 0) {
            String twin = cols.twin(p.id);
            if (twin != null) {
                p.columns.add(rnd.nextInt(p.columns.size() + 1), twin);
                p.listed.add(p.columns.indexOf(twin), rnd.nextBoolean());
                vectors.add("twin of the rowid alias " + SqliteNames.describe(p.id) + " in " + SqliteNames.describe(name)
                        + ": text column " + SqliteNames.describe(twin));
            }
        }
        boolean where = rnd.nextBoolean();
        boolean comment = rnd.nextInt(4) == 0;
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + quote(name) + " (" + quote(p.id) + " INTEGER PRIMARY KEY, "
                + quote(p.pub) + " INT NOT NULL");
        for (int k = 0; k < p.columns.size(); k++) {
            String c = p.columns.get(k);
            boolean blanked = category == Category.PARTIAL && !p.listed.get(k);
            boolean priv = blanked || category == Category.UNLISTED;
            ddl.append(", ").append(quote(c)).append(" TEXT");
            if (rnd.nextInt(3) == 0) {
                ddl.append(" NOT NULL");
            }
            if (rnd.nextInt(5) == 0) {
                ddl.append(" UNIQUE");
            }
            if (priv && rnd.nextInt(4) == 0) {
                String m = marker();
                ddl.append(" DEFAULT '").append(m).append('\'');
                cell(m, name, c, -1, false, "DEFAULT of a " + (blanked ? "blanked column" : "column of an unlisted table"));
            }
            if (priv && rnd.nextInt(5) == 0) {
                String m = marker();
                ddl.append(" CHECK (").append(quote(c)).append(" <> '").append(m).append("')");
                cell(m, name, c, -1, false, "CHECK of a " + (blanked ? "blanked column" : "column of an unlisted table"));
            }
            if (comment && k == 0) {
                String m = marker();
                ddl.append(" /* ").append(m).append(" */");
                cell(m, name, c, -1, false, "comment in the CREATE TABLE statement");
            }
        }
        ddl.append(p.withoutRowid ? ") WITHOUT ROWID" : ")");
        exec(ddl.toString());
        for (String c : p.columns) {
            if (rnd.nextInt(3) == 0) {
                exec("CREATE " + (rnd.nextInt(3) == 0 ? "UNIQUE " : "") + "INDEX " + quote(names.fresh())
                        + " ON " + quote(name) + "(" + quote(c) + ")");
            }
        }
        String insert = "INSERT INTO " + quote(name) + " VALUES (?, ?" + ", ?".repeat(p.columns.size()) + ")";
        try (PreparedStatement ps = connection.prepareStatement(insert)) {
            for (int r = 0, rows = rnd.nextInt(9); r < rows; r++) {
                long id = r * 3L + 1;
                boolean pub = rnd.nextBoolean();
                int fate = rnd.nextInt(8);
                boolean deleted = fate == 0 || (fate == 1 && !p.withoutRowid);
                ps.setLong(1, id);
                ps.setInt(2, pub ? 1 : 0);
                List<Cell> row = new ArrayList<>();
                for (int k = 0; k < p.columns.size(); k++) {
                    String m = marker();
                    boolean rowPublished = switch (category) {
                        case FILTERED -> pub;
                        case PARTIAL -> !where || pub;
                        default -> true;
                    };
                    String why = withheld(category, rowPublished, p.listed.get(k), deleted);
                    row.add(cell(m, name, p.columns.get(k), id, why == null, why == null ? "published" : why));
                    ps.setString(3 + k, value(m));
                }
                ps.executeUpdate();
                p.rowids.add(id);
                p.rows.add(row);
                if (fate == 0) {
                    exec("DELETE FROM " + quote(name) + " WHERE " + quote(p.id) + " = " + id);
                } else if (deleted) {
                    p.deleteAfterIndexing.add(id);
                }
            }
        }
        String table = names.asciiVariant(name);
        String pubRef = quote(names.asciiVariant(p.pub)) + " = 1";
        switch (category) {
            case UNLISTED -> {
            }
            case FULL -> spec.fullTables(table);
            case FILTERED -> spec.filteredTable(table, pubRef);
            case PARTIAL -> {
                List<String> listed = new ArrayList<>(List.of(names.asciiVariant(p.id)));
                if (rnd.nextBoolean()) {
                    listed.add(names.asciiVariant(p.pub));
                }
                for (int k = 0; k < p.columns.size(); k++) {
                    if (p.listed.get(k)) {
                        listed.add(names.asciiVariant(p.columns.get(k)));
                    }
                }
                spec.partialTable(table, new PartialTable(listed, where ? pubRef : ""));
            }
        }
        if (category != Category.UNLISTED) {
            published.put(SqliteNames.fold(name), name);
        }
        vectors.add("table " + SqliteNames.describe(name) + " " + category + (category == Category.PARTIAL && where
                ? " WHERE" : "") + (p.withoutRowid ? " WITHOUT ROWID" : "") + ", id " + SqliteNames.describe(p.id) + ", pub "
                + SqliteNames.describe(p.pub)
                + ", text columns " + p.columns.stream().map(SqliteNames::describe).toList()
                + (category == Category.PARTIAL ? " listed " + p.listed : ""));
        plains.add(p);
    }

    /** A view over a wholly published table, named freshly or as a Java twin of it, with a private twin table. */
    private void view() throws SQLException {
        Plain base = plains.stream().filter(p -> p.category == Category.FULL).findFirst().orElse(null);
        if (base == null) {
            return;
        }
        String view = rnd.nextBoolean() ? names.twin(base.name) : null;
        boolean twinOfBase = view != null;
        if (view == null) {
            view = names.fresh();
        }
        exec("CREATE VIEW " + quote(view) + " AS SELECT " + quote(base.id)
                + (base.columns.isEmpty() ? "" : ", " + quote(base.columns.get(0))) + " FROM " + quote(base.name));
        boolean listed = rnd.nextInt(4) != 0;
        if (listed) {
            spec.views(names.asciiVariant(view));
            published.put(SqliteNames.fold(view), view);
        }
        vectors.add("view " + SqliteNames.describe(view) + (listed ? " (listed)" : " (unlisted)")
                + (twinOfBase ? ", a Java twin of its table " + SqliteNames.describe(base.name) : ""));
        if (!twinOfBase) {
            String table = names.twin(view);
            if (table != null) {
                vectors.add("unlisted table " + SqliteNames.describe(table) + ", a Java twin of view "
                        + SqliteNames.describe(view));
                plain(table, Category.UNLISTED);
                if (refusalAllowed && rnd.nextBoolean()) {
                    spec.fullTables(names.asciiVariant(view));
                    refused.put(view, "listed as a table but is a view (its Java twin " + SqliteNames.describe(table)
                            + " is a private table)");
                }
            }
        }
    }
}
