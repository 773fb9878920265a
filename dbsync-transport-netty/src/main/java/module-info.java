/**
 * QUIC transport on Netty 4.2's native quiche codec (Apache-2.0). Found by
 * {@link java.util.ServiceLoader} under the name {@code "netty"}; nothing here needs to be
 * called directly.
 *
 * <p>The native part lives in a platform jar ({@code netty-codec-native-quic}, classifier e.g.
 * {@code linux-x86_64}) whose module nothing requires: applications on the module path start
 * the JVM with {@code --add-modules io.netty.codec.quic.linux.x86_64}.
 */
module dev.dbsync.transport.netty {
    requires dev.dbsync.api;
    requires io.netty.codec.classes.quic;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.handler;
    requires org.slf4j;

    exports dev.dbsync.transport.netty;

    provides dev.dbsync.api.transport.Transport with dev.dbsync.transport.netty.NettyTransport;
}
