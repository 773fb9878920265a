package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.SqlName;
import dev.dbsync.filter.internal.FtsOptions.Storage;
import dev.dbsync.filter.internal.PublicationPlan.Category;
import dev.dbsync.filter.internal.PublicationPlan.PlannedTable;
import dev.dbsync.filter.internal.SourceCatalog.TableInfo;
import dev.dbsync.filter.internal.VirtualTableModule.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * How virtual tables are published: only through their own SQL interface, from published
 * data. A table that stores its own content (FTS3, FTS4, FTS5 without {@code content=},
 * R*Tree) is created empty and filled with its published rows; an external-content FTS4/FTS5
 * table is published only whole and only when its content table, an ordinary table, is
 * published too, and is rebuilt in the snapshot from that published table, never from the
 * source index. Contentless tables, FTS4 tables compressed by SQL functions, read-only modules
 * and modules dbsync does not know are refused. Where the table stores its content is read
 * from its options ({@link FtsOptions}) and confirmed by SQLite itself, which creates the
 * table in an empty in-memory database: an own-content table, and only one, gets a
 * {@code <name>_content} shadow table there.
 */
public final class VirtualTables {
    private VirtualTables() {
    }

    /**
     * Checks that every virtual table of a plan can be published.
     *
     * @param tables the planned tables
     * @param catalog the source schema
     * @throws FilterException naming the first virtual table that cannot be published, and why
     */
    static void check(List<PlannedTable> tables, SourceCatalog catalog) {
        for (PlannedTable t : tables) {
            if (t.info().virtual()) {
                check(t, tables, catalog);
            }
        }
    }

    private static void check(PlannedTable t, List<PlannedTable> tables, SourceCatalog catalog) {
        String name = t.info().name();
        VirtualTableModule module = module(t.info());
        switch (module.kind()) {
            case RTREE -> {
                return;
            }
            case READ_ONLY -> throw new FilterException(name, "virtual table '" + name + "' (module '" + module.name()
                    + "') is a read-only view of other data: it cannot be published; publish what it reads instead");
            case UNKNOWN -> throw new FilterException(name, "virtual table '" + name + "' uses module '" + module.name()
                    + "', which dbsync does not know: it cannot be published (fts3, fts4, fts5, rtree and rtree_i32"
                    + " tables can)");
            default -> {
            }
        }
        FtsOptions options = FtsOptions.of(module);
        if (options.error().isPresent()) {
            throw new FilterException(name, "virtual table '" + name + "': cannot read its " + module.name()
                    + " options (" + options.error().get() + ")");
        }
        if (options.storage() == Storage.CONTENTLESS) {
            throw new FilterException(name, "virtual table '" + name + "' is contentless (content=''): it holds"
                    + " only an index of rows it does not store, so it cannot be republished");
        }
        if (!options.functions().isEmpty()) {
            throw new FilterException(name, "virtual table '" + name + "' stores its content through the SQL functions "
                    + options.functions() + " (compress/uncompress), which a snapshot does not have: it cannot be"
                    + " published");
        }
        confirmWithSqlite(t.info(), options);
        if (options.storage() == Storage.EXTERNAL) {
            checkContentTable(t, options, tables, catalog);
        }
    }

    private static void checkContentTable(PlannedTable t, FtsOptions options, List<PlannedTable> tables,
            SourceCatalog catalog) {
        String name = t.info().name();
        String content = options.contentTable().orElseThrow();
        if (t.category() != Category.FULL) {
            throw new FilterException(name, "external-content table '" + name + "' can only be published whole: it"
                    + " is rebuilt from its published content table '" + content + "'; filter '" + content
                    + "' instead");
        }
        Optional<PlannedTable> published = tables.stream()
                .filter(p -> SqlName.same(p.info().name(), content)).findFirst();
        if (published.isEmpty()) {
            String what = catalog.view(content).isPresent() ? "a view" : "not published";
            throw new FilterException(name, "external-content table '" + name + "' indexes '" + content + "', which is "
                    + what + ": list the table '" + content + "' in the spec, or leave '" + name + "' out");
        }
        PlannedTable source = published.get();
        if (source.info().virtual()) {
            throw new FilterException(name, "external-content table '" + name + "' indexes the virtual table '"
                    + source.info().name() + "': only an ordinary table can be the content of a published"
                    + " external-content table");
        }
        Optional<String> rowid = options.contentRowid();
        if (rowid.isPresent() && source.isBlanked(rowid.get())) {
            throw new FilterException(name, "external-content table '" + name + "' takes its rowids from column '"
                    + rowid.get() + "' of '" + source.info().name() + "', which is blanked: publish that column");
        }
    }

    /**
     * SQLite's own verdict on where the table keeps its content must match ours: both decide
     * whether the source virtual table may be read (only an own-content table's rows are its
     * own; the others read their content table, which may hold unpublished rows).
     */
    private static void confirmWithSqlite(TableInfo info, FtsOptions options) {
        boolean own;
        try (Connection scratch = new SQLiteConfig().createConnection("jdbc:sqlite::memory:")) {
            try (Statement s = scratch.createStatement()) {
                s.execute(info.sql());
            } catch (SQLException e) {
                if (options.storage() == Storage.OWN) {
                    throw new FilterException(info.name(), null, -1, "virtual table '" + info.name()
                            + "' cannot be created in an empty database: " + e.getMessage(), e);
                }
                return; // FTS4 without declared columns reads them from its (absent) content table
            }
            try (PreparedStatement ps = scratch.prepareStatement(
                    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
                ps.setString(1, info.name() + "_content");
                try (ResultSet rs = ps.executeQuery()) {
                    own = rs.next();
                }
            }
        } catch (SQLException e) {
            throw new FilterException(info.name(), null, -1, "virtual table '" + info.name()
                    + "': cannot check its options with SQLite: " + e.getMessage(), e);
        }
        if (own != (options.storage() == Storage.OWN)) {
            throw new FilterException(info.name(), "virtual table '" + info.name() + "': SQLite and dbsync read its"
                    + " options differently (content stored " + (own ? "in the table" : "elsewhere") + " for SQLite, "
                    + options.storage() + " for dbsync): it cannot be published");
        }
    }

    private static VirtualTableModule module(TableInfo info) {
        return VirtualTableModule.parse(info.sql()).orElseThrow(() -> new FilterException(info.name(),
                "virtual table '" + info.name() + "': cannot read the module of its CREATE VIRTUAL TABLE statement"));
    }

    /**
     * @param info a virtual table of a checked plan
     * @return its module's name as written, e.g. {@code fts5}
     */
    public static String moduleName(TableInfo info) {
        return module(info).name();
    }

    /**
     * @param info a virtual table of a checked plan
     * @return true when it is filled by rebuilding its index from its published content table,
     *     false when its own published rows are inserted through it
     */
    public static boolean rebuiltFromContent(TableInfo info) {
        VirtualTableModule module = module(info);
        return FtsOptions.isFts(module.kind()) && FtsOptions.of(module).storage() == Storage.EXTERNAL;
    }

    /**
     * @param info a virtual table of a checked plan
     * @return the table holding its rows in the source: its content table when it has external
     *     content, else itself
     */
    public static String rowsTable(TableInfo info) {
        VirtualTableModule module = module(info);
        if (FtsOptions.isFts(module.kind())) {
            FtsOptions options = FtsOptions.of(module);
            if (options.storage() == Storage.EXTERNAL) {
                return options.contentTable().orElseThrow();
            }
        }
        return info.name();
    }

    /**
     * @param t an own-content virtual table of a checked plan
     * @return the hidden columns whose values are copied with its rows: FTS4's
     *     {@code languageid} column, unless the table is partial
     */
    static List<String> copiedHiddenColumns(PlannedTable t) {
        VirtualTableModule module = module(t.info());
        if (module.kind() != Kind.FTS4 || t.category() == Category.PARTIAL) {
            return List.of();
        }
        return FtsOptions.of(module).languageId()
                .flatMap(lid -> t.info().columns().stream().filter(c -> SqlName.same(c.name(), lid))
                        .findFirst())
                .map(c -> List.of(SqlNames.quote(c.name()))).orElse(List.of());
    }

    /**
     * Creates a virtual table, empty, in the snapshot: the one place its DDL is written.
     *
     * @param s a statement on the snapshot
     * @param info the table
     * @throws SQLException if SQLite cannot create it
     */
    static void create(Statement s, TableInfo info) throws SQLException {
        s.execute(info.sql());
    }

    /**
     * Creates an external-content table in the snapshot and indexes its published content
     * table there.
     *
     * @param s a statement on the snapshot, after every ordinary table was written and the
     *     source detached
     * @param t the table
     * @throws FilterException if SQLite cannot create or rebuild it from the published tables
     */
    static void rebuild(Statement s, PlannedTable t) {
        String name = t.info().name();
        try {
            create(s, t.info());
            s.execute("INSERT INTO main." + SqlNames.quote(name) + "(" + SqlNames.quote(name) + ") VALUES ('rebuild')");
        } catch (SQLException e) {
            throw new FilterException(name, null, -1, "external-content table '" + name
                    + "' cannot be rebuilt from the published tables: " + e.getMessage(), e);
        }
    }
}
