package dev.dbsync.filter.internal;

import dev.dbsync.api.DbsyncException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteErrorCode;

/**
 * Reads the text encoding of a source database, so the destination can match it (an attached
 * database must use the encoding of {@code main}, so it is read before the source is attached).
 *
 * <p>Through SQLite ({@code PRAGMA encoding} on a read-only connection of its own), never with
 * Java I/O: SQLite locks with POSIX advisory locks, and POSIX drops every lock a process holds on
 * a file when the process closes <em>any</em> descriptor of it. A header read with
 * {@code Files.newInputStream} once dropped the watcher's locks on a live source, and the next
 * writer process to exit deleted the {@code -wal} the watcher was reading (issue 17). SQLite's
 * own VFS defers closing a descriptor while another connection of the process holds a lock.
 */
final class SourceHeader {
    private SourceHeader() {
    }

    static String encoding(Path source) throws SQLException {
        try (Connection c = SourceCatalog.openReadOnly(source);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA encoding")) {
            return rs.next() ? rs.getString(1) : "UTF-8";
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLiteErrorCode.SQLITE_NOTADB.code) {
                throw new DbsyncException("source " + source + " is not a SQLite database", e);
            }
            throw e;
        }
    }
}
