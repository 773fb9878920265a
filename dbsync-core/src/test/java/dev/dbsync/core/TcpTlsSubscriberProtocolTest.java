package dev.dbsync.core;

/** {@link SubscriberProtocolSuite} over the TLS-over-TCP test transport. */
class TcpTlsSubscriberProtocolTest extends SubscriberProtocolSuite {
    @Override
    String transportName() {
        return "tcp-test";
    }
}
