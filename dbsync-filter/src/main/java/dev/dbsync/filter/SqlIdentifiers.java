package dev.dbsync.filter;

import dev.dbsync.filter.internal.SqlNames;

/**
 * Quoting of SQLite identifiers, so table and column names taken from a filter spec or a
 * schema are always used as names, never as SQL.
 */
public final class SqlIdentifiers {
    private SqlIdentifiers() {
    }

    /**
     * Quotes an identifier for SQLite: wraps it in double quotes and doubles any double quote
     * inside.
     *
     * @param name the identifier as stored in the schema
     * @return the quoted identifier
     * @throws IllegalArgumentException if the name contains a NUL character
     */
    public static String quote(String name) {
        return SqlNames.quote(name);
    }
}
