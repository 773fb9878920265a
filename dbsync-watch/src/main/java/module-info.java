/**
 * Change detection for SQLite databases: a watcher that polls a detector on a dedicated
 * connection, accepts in-process nudges from the application's own commits, debounces, and
 * runs a handler once per round of changes.
 */
module dev.dbsync.watch {
    requires transitive dev.dbsync.api;
    requires transitive java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.slf4j;

    exports dev.dbsync.watch;
}
