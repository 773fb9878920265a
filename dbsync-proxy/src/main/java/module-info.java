/**
 * Front-office HTTP helpers as Jetty 12 core handlers: write proxy, redirects, auth proxy and
 * back-office health checks.
 */
module dev.dbsync.proxy {
    requires transitive dev.dbsync.api;
    requires transitive org.eclipse.jetty.server;
    requires org.slf4j;

    exports dev.dbsync.proxy;
}
