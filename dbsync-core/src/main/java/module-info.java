/**
 * The dbsync wire protocol, the Publisher and the Subscriber, and the discovery of transports.
 */
module dev.dbsync.core {
    requires transitive dev.dbsync.api;
    requires dev.dbsync.filter;
    requires dev.dbsync.watch;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;
    requires static micrometer.core;

    exports dev.dbsync.core;

    uses dev.dbsync.api.transport.Transport;
}
