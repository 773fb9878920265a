/**
 * Validation of {@link dev.dbsync.api.FilterSpec}s and production of filtered snapshots.
 */
module dev.dbsync.filter {
    requires transitive dev.dbsync.api;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.slf4j;

    exports dev.dbsync.filter;
}
