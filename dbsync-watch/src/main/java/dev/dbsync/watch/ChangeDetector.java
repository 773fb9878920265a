package dev.dbsync.watch;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads a value that changes whenever a database changes. Comparing two readings taken on
 * the same connection tells whether anything was committed in between.
 */
@FunctionalInterface
public interface ChangeDetector {

    /**
     * {@code PRAGMA data_version}: changes when any <em>other</em> connection commits, so it
     * must be read on a dedicated connection that never writes.
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

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
