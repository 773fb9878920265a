package dev.dbsync.connectivity;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The routes table: one row per service, with the strategy that serves it. Front offices are
 * the rows named {@code dbsync:…} with strategy {@code dbsync} (active) or {@code noop}
 * (paused).
 */
public final class RoutesSchema {
    /** The statements that create the table, its index and its trigger; each is idempotent. */
    public static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS routes ("
                    + "service_name TEXT PRIMARY KEY, "
                    + "strategy TEXT NOT NULL CHECK(strategy IN ('local','quic','http','mcp','dbsync','embed','noop')), "
                    + "endpoint TEXT, "
                    + "config TEXT DEFAULT '{}', "
                    + "updated_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))",
            "CREATE INDEX IF NOT EXISTS idx_routes_strategy ON routes(strategy)",
            "CREATE TRIGGER IF NOT EXISTS routes_updated_at AFTER UPDATE ON routes FOR EACH ROW "
                    + "BEGIN UPDATE routes SET updated_at = strftime('%s','now') "
                    + "WHERE service_name = NEW.service_name; END");

    private RoutesSchema() {
    }

    /**
     * Creates the routes table, index and trigger if they do not exist. Safe to call on every start.
     *
     * @param connection a connection to the routes database
     * @throws SQLException if the database cannot be written
     */
    public static void init(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
        }
    }
}
