package dev.dbsync.connectivity;

import dev.dbsync.api.DbsyncException;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The routes table: one row per service, with the strategy that serves it. Front offices are
 * the rows named {@code dbsync:…} with strategy {@code dbsync} (active) or {@code noop}
 * (paused).
 *
 * <pre>{@code
 * RoutesSchema.init(Path.of("routes.db"));
 * // then, with any SQLite client:
 * // INSERT INTO routes(service_name, strategy, endpoint) VALUES ('dbsync:fo-1', 'dbsync', '10.0.0.2:9443');
 * // UPDATE routes SET strategy = 'noop' WHERE service_name = 'dbsync:fo-1';   -- pause
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class RoutesSchema {
    /** Name of the routes table. */
    public static final String TABLE = "routes";

    /** The strategies the table accepts (its {@code CHECK} constraint). */
    public static final List<String> STRATEGIES = List.of("local", "quic", "http", "mcp", "dbsync", "embed", "noop");

    /**
     * The statements that create the table, its index on {@code strategy} and the trigger that
     * refreshes {@code updated_at}; each is idempotent. The trigger fires only when a routing
     * column is updated, so it never triggers itself (even with {@code PRAGMA recursive_triggers})
     * and an explicit update of {@code updated_at} alone is kept.
     */
    public static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS routes ("
                    + "service_name TEXT PRIMARY KEY, "
                    + "strategy TEXT NOT NULL CHECK(strategy IN ('local','quic','http','mcp','dbsync','embed','noop')), "
                    + "endpoint TEXT, "
                    + "config TEXT DEFAULT '{}', "
                    + "updated_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))",
            "CREATE INDEX IF NOT EXISTS idx_routes_strategy ON routes(strategy)",
            "CREATE TRIGGER IF NOT EXISTS routes_updated_at "
                    + "AFTER UPDATE OF service_name, strategy, endpoint, config ON routes FOR EACH ROW "
                    + "BEGIN UPDATE routes SET updated_at = CAST(strftime('%s','now') AS INTEGER) "
                    + "WHERE service_name = NEW.service_name; END");

    private RoutesSchema() {
    }

    /**
     * Creates the routes table, index and trigger if they do not exist, in one transaction
     * (or in the caller's transaction when auto-commit is off). Safe to call on every start.
     *
     * @param connection a writable connection to the routes database; its auto-commit mode is
     *     left as it was
     * @throws SQLException if the database cannot be written
     */
    public static void init(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (autoCommit) {
            connection.setAutoCommit(false);
        }
        try (Statement s = connection.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            if (autoCommit) {
                connection.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (autoCommit) {
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        } finally {
            if (autoCommit) {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Creates the database file if needed, then the routes table, index and trigger if they do
     * not exist. Safe to call on every start.
     *
     * @param database the routes database file
     * @throws DbsyncException naming the file if it cannot be opened or written
     */
    public static void init(Path database) {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + database.toAbsolutePath())) {
            init(c);
        } catch (SQLException e) {
            throw new DbsyncException("cannot create the routes table in " + database + ": " + e.getMessage(), e);
        }
    }
}
