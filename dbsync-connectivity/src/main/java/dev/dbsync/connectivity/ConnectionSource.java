package dev.dbsync.connectivity;

import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Opens connections to a routes database. Each call returns a new connection that the caller
 * closes; connectivity only reads through them.
 */
@FunctionalInterface
public interface ConnectionSource {
    /** How long a read waits for a writer's lock before failing, in milliseconds. */
    int BUSY_TIMEOUT_MILLIS = 5_000;

    /**
     * @return a new connection to the routes database
     * @throws SQLException if it cannot be opened
     */
    Connection open() throws SQLException;

    /**
     * Read-only connections to a SQLite file, waiting up to {@value #BUSY_TIMEOUT_MILLIS} ms for
     * a writer's lock.
     *
     * @param database the routes database file
     * @return the source
     */
    static ConnectionSource readOnly(Path database) {
        Objects.requireNonNull(database, "database");
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        String url = "jdbc:sqlite:" + database.toAbsolutePath();
        return () -> config.createConnection(url);
    }
}
