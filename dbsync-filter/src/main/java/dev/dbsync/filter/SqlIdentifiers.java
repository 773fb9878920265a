package dev.dbsync.filter;

import java.util.Objects;

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
        Objects.requireNonNull(name, "name");
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
