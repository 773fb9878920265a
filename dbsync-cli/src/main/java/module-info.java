/**
 * The {@code dbsync} command.
 */
module dev.dbsync.cli {
    requires dev.dbsync.api;
    requires dev.dbsync.core;
    requires info.picocli;

    opens dev.dbsync.cli to info.picocli;
}
