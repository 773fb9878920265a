package dev.dbsync.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbsync.filter.internal.FtsOptions.Storage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * Differential: random FTS3/4/5 statements (module and option names in any quoting, case and
 * abbreviation, values in any quoting, spaces around {@code =}) are read by us and created by
 * SQLite; whenever SQLite accepts one, we must agree on where its content lives and, for an
 * external-content table, on which table SQLite indexes.
 */
class FtsOptionsProperties {
    private static final List<String> TABLES = List.of("art", "other", "Mixed Case", "o'q");
    private static final String[] KEYS = {"content", "content", "content", "content", "content", "content_rowid", "prefix", "tokenize",
        "columnsize", "detail", "contentless_delete", "languageid", "matchinfo", "order", "notindexed", "locale"};

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void weReadWhereTheContentLivesAsSqliteDoes(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        String sql = "CREATE VIRTUAL TABLE t USING " + statement(rnd);
        FtsOptions ours = FtsOptions.of(VirtualTableModule.parse(sql).orElseThrow());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                String q = SqlNames.quote(table);
                s.execute("CREATE TABLE " + q + " (id INTEGER PRIMARY KEY, a TEXT, b TEXT, lid INT)");
                s.execute("INSERT INTO " + q + " VALUES (7, 'needle" + TABLES.indexOf(table) + "', 'x', 0)");
            }
            try {
                s.execute(sql);
            } catch (SQLException refused) {
                Statistics.collect("refused by SQLite");
                return; // such a source cannot exist
            }
            Statistics.collect(ours.storage());
            assertThat(ours.error()).as(sql).isEmpty();
            boolean own = !rows(s, "SELECT 1 FROM sqlite_schema WHERE name = 't_content'").isEmpty();
            assertThat(ours.storage() == Storage.OWN).as(sql).isEqualTo(own);
            if (ours.storage() == Storage.EXTERNAL) {
                String content = ours.contentTable().orElseThrow();
                int needle = TABLES.indexOf(content);
                if (needle < 0) {
                    // a name no one meant (FTS4 keeps the spaces after '='): SQLite must read it too
                    needle = 9;
                    s.execute("CREATE TABLE " + SqlNames.quote(content) + " (id INTEGER PRIMARY KEY, a TEXT, b TEXT,"
                            + " lid INT)");
                    s.execute("INSERT INTO " + SqlNames.quote(content) + " VALUES (7, 'needle9', 'x', 0)");
                }
                try {
                    s.execute("INSERT INTO t(t) VALUES ('rebuild')");
                } catch (SQLException e) {
                    // SQLite may refuse to index (a languageid column " [lid]" the content table lacks);
                    // it must never look for another table than ours
                    assertThat(e.getMessage()).as(sql).doesNotContain("no such table");
                    return;
                }
                assertThat(rows(s, "SELECT rowid FROM t WHERE t MATCH 'needle" + needle + "'")).as(sql).hasSize(1);
            }
        }
    }

    private static String statement(Random rnd) {
        String module = quoteName(rnd, caseOf(rnd, "fts" + (rnd.nextInt(5) == 0 ? 3 : 4 + rnd.nextInt(2))));
        List<String> args = new ArrayList<>(List.of("a"));
        if (rnd.nextBoolean()) {
            args.add("b");
        }
        int options = 1 + rnd.nextInt(2);
        for (int i = 0; i < options; i++) {
            String key = KEYS[rnd.nextInt(KEYS.length)];
            String value = switch (key) {
                case "content" -> rnd.nextInt(5) == 0 ? "" : TABLES.get(rnd.nextInt(TABLES.size()));
                case "content_rowid" -> rnd.nextBoolean() ? "id" : "rowid";
                case "prefix" -> "2";
                case "tokenize" -> rnd.nextBoolean() ? "porter" : "simple";
                case "columnsize", "contentless_delete", "locale" -> rnd.nextBoolean() ? "1" : "0";
                case "detail" -> "full";
                case "languageid" -> "lid";
                case "matchinfo" -> "fts3";
                case "order" -> "desc";
                default -> "b";
            };
            if (rnd.nextInt(3) == 0) {
                key = key.substring(0, 1 + rnd.nextInt(key.length()));
            }
            key = caseOf(rnd, key);
            if (rnd.nextInt(20) == 0) {
                key = quoteName(rnd, key);
            }
            String eq = rnd.nextInt(6) == 0 ? " = " : rnd.nextInt(10) == 0 ? "= " : "=";
            args.add(key + eq + quoteValue(rnd, value));
        }
        java.util.Collections.shuffle(args, rnd);
        return module + "(" + String.join(", ", args) + ")";
    }

    private static String caseOf(Random rnd, String s) {
        return switch (rnd.nextInt(3)) {
            case 0 -> s;
            case 1 -> s.toUpperCase(Locale.ROOT);
            default -> {
                StringBuilder b = new StringBuilder();
                for (char ch : s.toCharArray()) {
                    b.append(rnd.nextBoolean() ? Character.toUpperCase(ch) : ch);
                }
                yield b.toString();
            }
        };
    }

    private static String quoteName(Random rnd, String s) {
        return switch (rnd.nextInt(5)) {
            case 0 -> s;
            case 1 -> "\"" + s + "\"";
            case 2 -> "[" + s + "]";
            case 3 -> "`" + s + "`";
            default -> "'" + s + "'";
        };
    }

    private static String quoteValue(Random rnd, String s) {
        boolean bare = !s.isEmpty() && s.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_');
        int k = rnd.nextInt(bare ? 5 : 4);
        return switch (k) {
            case 0 -> "'" + s.replace("'", "''") + "'";
            case 1 -> "\"" + s.replace("\"", "\"\"") + "\"";
            case 2 -> "[" + s + "]";
            case 3 -> "`" + s.replace("`", "``") + "`";
            default -> s;
        };
    }

    private static List<Object> rows(Statement s, String sql) throws SQLException {
        List<Object> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getObject(1));
            }
        }
        return out;
    }
}
