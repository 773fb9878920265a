/**
 * Front-office HTTP helpers as Jetty 12 core handlers: the write proxy to the back office, a
 * read/write split handler, redirects, the (deprecated) auth proxy and the back-office health
 * checker. Metrics are optional: {@link dev.dbsync.proxy.BOHealthMetrics} needs Micrometer on
 * the module path, everything else runs without it.
 */
module dev.dbsync.proxy {
    requires transitive dev.dbsync.api;
    requires transitive org.eclipse.jetty.server;
    requires org.eclipse.jetty.client;
    requires org.eclipse.jetty.proxy;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires static micrometer.core;

    exports dev.dbsync.proxy;
}
