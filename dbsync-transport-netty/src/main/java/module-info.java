/**
 * QUIC transport on Netty 4.2's native quiche codec.
 */
module dev.dbsync.transport.netty {
    requires dev.dbsync.api;
    requires io.netty.codec.classes.quic;
    requires org.slf4j;
}
