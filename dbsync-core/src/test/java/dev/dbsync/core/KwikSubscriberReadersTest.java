package dev.dbsync.core;

/** {@link SubscriberReadersSuite} over real QUIC (kwik) on loopback. */
class KwikSubscriberReadersTest extends SubscriberReadersSuite {
    @Override
    String transportName() {
        return "kwik";
    }

    @Override
    boolean listenerRequiresClientCertificates() {
        return false;
    }
}
