/**
 * Test fixtures shared by dbsync's test suites: a development PKI. Not published.
 */
module dev.dbsync.testkit {
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.dbsync.testkit;
}
