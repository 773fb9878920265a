/**
 * Test fixtures shared by dbsync's test suites: a development PKI, a plain TLS-over-TCP transport, and
 * programs run as other processes (the {@code sqlite3} shell, {@code python3}). Not published.
 */
module dev.dbsync.testkit {
    requires transitive dev.dbsync.api;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.dbsync.testkit;

    provides dev.dbsync.api.transport.Transport with dev.dbsync.testkit.TcpTlsTransport;
}
