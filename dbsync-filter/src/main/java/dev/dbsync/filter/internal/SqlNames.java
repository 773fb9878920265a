package dev.dbsync.filter.internal;

import java.util.Objects;

/** Identifier quoting for the engine (and for the public {@code SqlIdentifiers}). */
public final class SqlNames {
    private SqlNames() {
    }

    /**
     * Wraps an identifier in double quotes, doubling any double quote inside.
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
