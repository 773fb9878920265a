package dev.dbsync.core;

/** {@link SubscriberProtocolSuite} over real QUIC (kwik) on loopback. */
class KwikSubscriberProtocolTest extends SubscriberProtocolSuite {
    @Override
    String transportName() {
        return "kwik";
    }

    @Override
    boolean listenerRequiresClientCertificates() {
        return false;
    }
}
