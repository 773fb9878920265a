/**
 * The {@code dbsync} command: a one-command demo, the publish and subscribe daemons, and
 * snapshot, verify, validate-filter and gencerts tools. Run from the shaded jar on the
 * classpath ({@code ./dbsync}); this descriptor serves the module-path tests.
 */
module dev.dbsync.cli {
    requires dev.dbsync.api;
    requires dev.dbsync.core;
    requires dev.dbsync.connectivity;
    requires dev.dbsync.filter;
    requires dev.dbsync.testkit;
    requires info.picocli;
    requires com.fasterxml.jackson.core;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.slf4j;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires jdk.httpserver;

    opens dev.dbsync.cli to info.picocli;
}
