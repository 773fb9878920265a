package dev.dbsync.core;

/** {@link SubscriberDurabilitySuite} over real QUIC (netty) on loopback. */
class NettySubscriberDurabilityTest extends SubscriberDurabilitySuite {
    @Override
    String transportName() {
        return "netty";
    }
}
