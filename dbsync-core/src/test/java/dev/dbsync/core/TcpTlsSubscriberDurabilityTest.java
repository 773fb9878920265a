package dev.dbsync.core;

/** {@link SubscriberDurabilitySuite} over the TLS-over-TCP test transport. */
class TcpTlsSubscriberDurabilityTest extends SubscriberDurabilitySuite {
    @Override
    String transportName() {
        return "tcp-test";
    }
}
