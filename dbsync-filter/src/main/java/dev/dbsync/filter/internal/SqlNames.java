package dev.dbsync.filter.internal;

import dev.dbsync.filter.SqlIdentifiers;

/** Short access to identifier quoting inside the engine. */
final class SqlNames {
    private SqlNames() {
    }

    static String quote(String name) {
        return SqlIdentifiers.quote(name);
    }
}
