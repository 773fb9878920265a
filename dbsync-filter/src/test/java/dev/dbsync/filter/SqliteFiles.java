package dev.dbsync.filter;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small helpers to build and read real SQLite files in tests. */
final class SqliteFiles {
    private SqliteFiles() {
    }

    static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    static void exec(Path db, String... statements) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static List<List<Object>> rows(Path db, String query) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        }
    }

    static Object value(Path db, String query) throws SQLException {
        List<List<Object>> r = rows(db, query);
        return r.isEmpty() ? null : r.get(0).get(0);
    }

    static List<Object> column(Path db, String query) throws SQLException {
        return rows(db, query).stream().map(r -> r.get(0)).toList();
    }

    /** @return every CREATE statement of the database, one per line */
    static String schemaText(Path db) throws SQLException {
        return String.join("\n", column(db, "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL").stream()
                .map(Object::toString).toList());
    }

    /** Produces {@code dir/out.db} from the source with an integrity check, as version 1. */
    static Path produce(Path dir, Path source, dev.dbsync.api.FilterSpec spec) {
        Path out = dir.resolve("out.db");
        SnapshotProducer.builder(source).integrityCheck(true).build().produce(out, spec, 1);
        return out;
    }
}
