/**
 * The public vocabulary of dbsync: filter specifications, snapshot metadata, targets, TLS
 * settings, the transport SPI and the exception hierarchy. Depends on the JDK only.
 */
module dev.dbsync.api {
    requires transitive java.sql;

    exports dev.dbsync.api;
    exports dev.dbsync.api.tls;
    exports dev.dbsync.api.transport;
}
