/**
 * Dynamic target management: the routes table, a TargetProvider over it, a hot-reloading
 * router and status factories.
 */
module dev.dbsync.connectivity {
    requires transitive dev.dbsync.api;
    requires transitive dev.dbsync.core;
    requires transitive java.sql;
    requires dev.dbsync.watch;
    requires org.xerial.sqlitejdbc;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;

    exports dev.dbsync.connectivity;
}
