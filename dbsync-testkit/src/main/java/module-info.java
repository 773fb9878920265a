/**
 * Test fixtures shared by dbsync's test suites: a development PKI and a plain TLS-over-TCP transport. Not published.
 */
module dev.dbsync.testkit {
    requires transitive dev.dbsync.api;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.dbsync.testkit;

    provides dev.dbsync.api.transport.Transport with dev.dbsync.testkit.TcpTlsTransport;
}
