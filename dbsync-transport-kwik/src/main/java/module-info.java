/**
 * QUIC transport on kwik, pure Java (LGPL-3.0).
 */
module dev.dbsync.transport.kwik {
    requires dev.dbsync.api;
    requires tech.kwik.core;
    requires org.slf4j;
}
