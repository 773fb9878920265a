package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.filter.internal.PublicationPlan.PlannedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * The listed views of a plan: created last in the snapshot, where each must compile against
 * the published tables alone. The one place views are created, by production and, in an
 * empty in-memory database holding only the published tables, by the validator.
 */
public final class PublishedViews {
    private PublishedViews() {
    }

    /**
     * Creates the views in the main schema of a connection, in one transaction.
     *
     * @param c the connection (the snapshot, the source detached)
     * @param views the plan's views (stored name, CREATE VIEW statement)
     * @throws SQLException if SQLite fails outside a view's own statement
     * @throws FilterException naming the first view that does not compile against the tables
     *     of the connection's main schema, with SQLite's message
     */
    static void create(Connection c, List<Map.Entry<String, String>> views) throws SQLException {
        if (views.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN");
            try {
                for (Map.Entry<String, String> v : views) {
                    try {
                        s.execute(v.getValue());
                        try (PreparedStatement check = c.prepareStatement("SELECT * FROM main."
                                + SqlNames.quote(v.getKey()))) {
                            check.getMetaData();
                        }
                    } catch (SQLException e) {
                        throw new FilterException(v.getKey(), null, -1, "view '" + v.getKey()
                                + "' does not compile against the published tables: " + e.getMessage(), e);
                    }
                }
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // no transaction left to roll back
                }
                throw e;
            }
        }
    }

    /**
     * Checks, as production will, that every view of a plan compiles against the published
     * tables alone: creates the plan's tables (ordinary ones first, as production does), then
     * its views, in an empty in-memory database.
     *
     * @param plan the plan
     * @throws FilterException naming the first view that does not compile, or a table SQLite
     *     cannot create
     */
    public static void check(PublicationPlan plan) {
        if (plan.views().isEmpty()) {
            return;
        }
        try (Connection scratch = new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
                Statement s = scratch.createStatement()) {
            s.execute("PRAGMA trusted_schema = OFF");
            for (boolean virtual : new boolean[] {false, true}) {
                for (PlannedTable t : plan.tables()) {
                    if (t.info().virtual() != virtual) {
                        continue;
                    }
                    try {
                        if (virtual) {
                            VirtualTables.create(s, t.info());
                        } else {
                            s.execute(t.ddl());
                        }
                    } catch (SQLException e) {
                        throw new FilterException(t.info().name(), null, -1, "table '" + t.info().name()
                                + "' cannot be created in an empty database: " + e.getMessage(), e);
                    }
                }
            }
            create(scratch, plan.views());
        } catch (SQLException e) {
            throw new FilterException(null, null, -1, "cannot check the views against the published tables: "
                    + e.getMessage(), e);
        }
    }
}
