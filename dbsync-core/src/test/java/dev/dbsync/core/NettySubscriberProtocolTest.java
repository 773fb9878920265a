package dev.dbsync.core;

/** {@link SubscriberProtocolSuite} over real QUIC (netty) on loopback. */
class NettySubscriberProtocolTest extends SubscriberProtocolSuite {
    @Override
    String transportName() {
        return "netty";
    }
}
