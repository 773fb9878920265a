package dev.dbsync.core;

/** {@link SubscriberDurabilitySuite} over real QUIC (kwik) on loopback. */
class KwikSubscriberDurabilityTest extends SubscriberDurabilitySuite {
    @Override
    String transportName() {
        return "kwik";
    }

    @Override
    boolean listenerRequiresClientCertificates() {
        return false;
    }
}
