/**
 * Change detection for SQLite databases: polling detectors, in-process triggers, debounce.
 */
module dev.dbsync.watch {
    requires transitive dev.dbsync.api;
    requires transitive java.sql;
    requires org.slf4j;

    exports dev.dbsync.watch;
}
