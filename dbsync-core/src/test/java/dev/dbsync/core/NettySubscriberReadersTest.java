package dev.dbsync.core;

/** {@link SubscriberReadersSuite} over real QUIC (netty) on loopback. */
class NettySubscriberReadersTest extends SubscriberReadersSuite {
    @Override
    String transportName() {
        return "netty";
    }
}
