package dev.dbsync.connectivity;

import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A real routes database in a temporary directory, written through its own connection. */
final class RoutesDatabase implements AutoCloseable {
    final Path file;
    private final Connection writer;

    private RoutesDatabase(Path file) throws SQLException {
        this.file = file;
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        this.writer = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Creates {@code routes.db} in {@code dir} with the routes table, in WAL mode. */
    static RoutesDatabase create(Path dir) throws SQLException {
        RoutesDatabase db = new RoutesDatabase(dir.resolve("routes.db"));
        db.exec("PRAGMA journal_mode=WAL");
        RoutesSchema.init(db.writer);
        return db;
    }

    Connection connection() {
        return writer;
    }

    void exec(String sql) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute(sql);
        }
    }

    /** Inserts or replaces a row; endpoint and config may be null (config null = column default). */
    void put(String service, String strategy, String endpoint, String config) throws SQLException {
        String sql = config == null
                ? "INSERT OR REPLACE INTO routes(service_name, strategy, endpoint) VALUES (?, ?, ?)"
                : "INSERT OR REPLACE INTO routes(service_name, strategy, endpoint, config) VALUES (?, ?, ?, ?)";
        try (PreparedStatement p = writer.prepareStatement(sql)) {
            p.setString(1, service);
            p.setString(2, strategy);
            p.setString(3, endpoint);
            if (config != null) {
                p.setString(4, config);
            }
            p.executeUpdate();
        }
    }

    void put(String service, String strategy, String endpoint) throws SQLException {
        put(service, strategy, endpoint, null);
    }

    void update(String service, String column, String value) throws SQLException {
        try (PreparedStatement p = writer.prepareStatement(
                "UPDATE routes SET \"" + column + "\" = ? WHERE service_name = ?")) {
            p.setString(1, value);
            p.setString(2, service);
            if (p.executeUpdate() != 1) {
                throw new IllegalStateException("no row " + service);
            }
        }
    }

    void delete(String service) throws SQLException {
        try (PreparedStatement p = writer.prepareStatement("DELETE FROM routes WHERE service_name = ?")) {
            p.setString(1, service);
            p.executeUpdate();
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row for " + sql);
            }
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        writer.close();
    }
}
