package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteNames.describe;
import static dev.dbsync.filter.SqliteNames.fold;
import static dev.dbsync.filter.SqliteNames.quote;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.filter.LeakSchema.Cell;
import dev.dbsync.filter.LeakSchema.Fts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * What {@link LeakProperties} checks of one production against its {@link LeakSchema}; each
 * check adds one line per violation, naming the marker, where it was planted and why it is
 * private, or the object at fault.
 */
final class LeakChecks {
    private LeakChecks() {
    }

    /** A production that had to be refused: a specific exception naming the object, and no file. */
    static void refusal(LeakSchema schema, RuntimeException thrown, Path dir, List<String> violations)
            throws IOException {
        String expected = schema.refused.entrySet().stream()
                .map(e -> describe(e.getKey()) + ": " + e.getValue()).toList().toString();
        if (thrown == null) {
            violations.add("production succeeded but must refuse one of " + expected);
        } else if (!(thrown instanceof DbsyncException) || thrown.getClass() == DbsyncException.class) {
            violations.add("production must refuse one of " + expected + " with a FilterException (or another"
                    + " specific DbsyncException subclass), got " + thrown);
        } else if (schema.refused.keySet().stream().noneMatch(n -> fold(String.valueOf(thrown.getMessage()))
                .contains(fold(n)))) {
            violations.add("production must refuse one of " + expected + " but failed on something else, or"
                    + " without naming the object at fault: " + thrown);
        }
        if (thrown != null) {
            try (Stream<Path> files = Files.list(dir)) {
                List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("src.db"))
                        .toList();
                if (!left.isEmpty()) {
                    violations.add("a refused production left files behind: " + left);
                }
            }
        }
    }

    /** A produced snapshot: its bytes, objects and FTS indexes hold every published marker and no other. */
    static void snapshot(LeakSchema schema, Path out, List<String> violations) throws IOException, SQLException {
        byte[] raw = Files.readAllBytes(out);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] >= 'A' && raw[i] <= 'Z') {
                raw[i] += 32;
            }
        }
        String bytes = new String(raw, StandardCharsets.ISO_8859_1);
        for (Cell cell : schema.cells) {
            boolean present = bytes.contains(cell.marker().toLowerCase(java.util.Locale.ROOT));
            if (cell.published() && !present) {
                violations.add("published " + cell.describe() + " is missing from the snapshot's bytes");
            } else if (!cell.published() && present) {
                violations.add("LEAK in the snapshot's bytes (searched case-insensitively): " + cell.describe());
            }
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + out); Statement s = c.createStatement()) {
            objects(schema, s, violations);
            for (Fts f : schema.fts) {
                if (f.published()) {
                    try {
                        index(schema, c, s, f, violations);
                    } catch (SQLException e) {
                        violations.add("the snapshot's " + f.form() + " " + describe(f.name())
                                + " cannot be searched: " + e.getMessage());
                    }
                }
            }
        }
    }

    private static void objects(LeakSchema schema, Statement s, List<String> violations) throws SQLException {
        Map<String, String> actual = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT name, type FROM pragma_table_list WHERE schema = 'main'"
                + " AND type IN ('table', 'view', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
            while (rs.next()) {
                actual.put(fold(rs.getString(1)), rs.getString(2) + " " + describe(rs.getString(1)));
            }
        }
        for (Map.Entry<String, String> e : actual.entrySet()) {
            if (!schema.published.containsKey(e.getKey())) {
                violations.add("LEAK: the snapshot holds " + e.getValue() + ", which the spec does not publish");
            }
        }
        for (Map.Entry<String, String> e : schema.published.entrySet()) {
            if (!actual.containsKey(e.getKey())) {
                violations.add("listed object " + describe(e.getValue()) + " is missing from the snapshot");
            }
        }
    }

    /** The terms of an FTS index hold no private marker, and MATCH finds published rows only. */
    private static void index(LeakSchema schema, Connection c, Statement s, Fts f, List<String> violations)
            throws SQLException {
        String where = f.form() + " " + describe(f.name());
        List<String> terms = new ArrayList<>();
        s.execute("DROP TABLE IF EXISTS temp.dbsyncterms");
        s.execute("CREATE VIRTUAL TABLE temp.dbsyncterms USING " + (f.version() == 5 ? "fts5vocab(main, '"
                + f.name() + "', 'row')" : "fts4aux(main, '" + f.name() + "')"));
        try (ResultSet rs = s.executeQuery("SELECT DISTINCT term FROM temp.dbsyncterms")) {
            while (rs.next()) {
                terms.add(rs.getString(1));
            }
        } finally {
            s.execute("DROP TABLE temp.dbsyncterms");
        }
        String match = "SELECT rowid FROM main." + quote(f.name()) + " WHERE " + quote(f.name()) + " MATCH ?";
        try (PreparedStatement ps = c.prepareStatement(match)) {
            for (Cell cell : schema.cells) {
                String m = cell.marker().toLowerCase(java.util.Locale.ROOT);
                List<Long> rows = rows(ps, m);
                if (cell.published()) {
                    boolean expected = f.indexed().contains(cell);
                    if (expected && !rows.equals(List.of(cell.rowid()))) {
                        violations.add("MATCH on " + where + " for published " + cell.describe() + " returned rowids "
                                + rows + ", expected [" + cell.rowid() + "]");
                    }
                    continue;
                }
                if (!rows.isEmpty()) {
                    violations.add("LEAK through MATCH on " + where + ": rowids " + rows + " for " + cell.describe());
                }
                for (String term : terms) {
                    if (term.contains(m)) {
                        violations.add("LEAK in the index of " + where + ": term '" + term + "' holds " + cell.describe());
                    }
                }
            }
        }
    }

    private static List<Long> rows(PreparedStatement ps, String marker) throws SQLException {
        ps.setString(1, "\"" + marker + "\"");
        List<Long> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getLong(1));
            }
        }
        return rows;
    }
}
