package dev.dbsync.watch;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * Reads a value that changes whenever a database changes. Comparing two readings taken on
 * the same connection tells whether anything was committed in between.
 *
 * <pre>{@code
 * ChangeDetector d = ChangeDetector.maxOf("audit_log", "id");
 * }</pre>
 */
@FunctionalInterface
public interface ChangeDetector {

    /**
     * {@code PRAGMA data_version}: changes when any <em>other</em> connection commits, so it
     * must be read on a dedicated connection that never writes. The default.
     */
    ChangeDetector DATA_VERSION = c -> pragma(c, "data_version");

    /** {@code PRAGMA user_version}: changes when the application bumps it explicitly. */
    ChangeDetector USER_VERSION = c -> pragma(c, "user_version");

    /**
     * Reads the current value.
     *
     * @param connection a connection to the watched database
     * @return the value; a different value than last time means a change
     * @throws SQLException if the database cannot be read
     */
    long read(Connection connection) throws SQLException;

    /**
     * {@code SELECT MAX(column) FROM table}: for append-only tables whose key grows with every
     * write (an audit log, an outbox). An empty table reads as {@link Long#MIN_VALUE}.
     *
     * @param table the table name
     * @param column an integer column
     * @return the detector
     */
    static ChangeDetector maxOf(String table, String column) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        String sql = "SELECT MAX(" + quote(column) + ") FROM " + quote(table);
        return c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                if (!rs.next()) {
                    return Long.MIN_VALUE;
                }
                long v = rs.getLong(1);
                return rs.wasNull() ? Long.MIN_VALUE : v;
            }
        };
    }

    private static String quote(String identifier) {
        if (identifier.isBlank() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid identifier '" + identifier + "'");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
