package dev.dbsync.core;

/** {@link SubscriberReadersSuite} over the TLS-over-TCP test transport. */
class TcpTlsSubscriberReadersTest extends SubscriberReadersSuite {
    @Override
    String transportName() {
        return "tcp-test";
    }
}
