package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteNames.quote;

import dev.dbsync.api.PartialTable;
import dev.dbsync.filter.LeakSchema.Category;
import dev.dbsync.filter.LeakSchema.Cell;
import dev.dbsync.filter.LeakSchema.Plain;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The virtual tables of a {@link LeakSchema}: FTS3, FTS4 and FTS5 tables storing their own
 * content (FTS3 also written with a {@code content=} argument, which FTS3 reads as a column
 * named {@code content}), FTS4 and FTS5 external-content tables over the schema's plain tables
 * (published whole, partial, filtered or not at all), contentless FTS4 and FTS5 tables, an
 * fts5vocab table and an R*Tree with auxiliary columns. Module names and option values are
 * written in every quoting SQLite accepts, in mixed case.
 *
 * <p>Expected outcome: a listed table storing its own content is published with its published
 * rows (blanked columns empty); a listed external-content table is published, its index rebuilt
 * from the published content table, when that table is published, and refused when it is not;
 * a listed contentless or read-only table is refused. Unlisted ones leave nothing.
 */
final class LeakVirtualTables {
    private LeakVirtualTables() {
    }

    static void add(LeakSchema s) throws SQLException {
        Random rnd = s.rnd;
        for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
            int form = rnd.nextInt(10);
            if (form < 4) {
                ownContent(s, 3 + rnd.nextInt(3));
            } else if (form < 8) {
                externalContent(s, 4 + rnd.nextInt(2));
            } else {
                contentless(s, 4 + rnd.nextInt(2));
            }
        }
        if (rnd.nextInt(4) == 0) {
            rtree(s);
        }
    }

    /** A module name as SQLite accepts it: bare, "m", [m], `m` or 'm', in random case. */
    static String module(Random rnd, String name) {
        StringBuilder cased = new StringBuilder();
        for (char ch : name.toCharArray()) {
            cased.append(Character.isLetter(ch) && rnd.nextBoolean() ? Character.toUpperCase(ch) : ch);
        }
        return switch (rnd.nextInt(5)) {
            case 0 -> cased.toString();
            case 1 -> "\"" + cased + "\"";
            case 2 -> "[" + cased + "]";
            case 3 -> "`" + cased + "`";
            default -> "'" + cased + "'";
        };
    }

    /** An FTS option value (a table name, or empty) quoted one of the ways FTS dequotes. */
    private static String optionValue(Random rnd, String value) {
        return switch (rnd.nextInt(value.isEmpty() ? 2 : 5)) {
            case 0 -> "'" + value + "'";
            case 1 -> "\"" + value + "\"";
            case 2 -> "[" + value + "]";
            case 3 -> "`" + value + "`";
            default -> value;
        };
    }

    /** {@code content=value}, the keyword in random case, with spaces around '=' for FTS5 only. */
    private static String contentOption(Random rnd, int version, String value) {
        String keyword = rnd.nextBoolean() ? "content" : rnd.nextBoolean() ? "CONTENT" : "Content";
        String eq = version == 5 && rnd.nextBoolean() ? " = " : "=";
        return keyword + eq + optionValue(rnd, value);
    }

    private static String form(int version, String module, String what) {
        return "FTS" + version + " " + what + " (USING " + module + ")";
    }

    private static void ownContent(LeakSchema s, int version) throws SQLException {
        Random rnd = s.rnd;
        String name = s.names.fresh();
        SqliteNames colNames = new SqliteNames(rnd);
        colNames.take(name);
        String pub = colNames.fresh();
        List<String> columns = new ArrayList<>();
        List<Boolean> listed = new ArrayList<>();
        for (int k = 0, n = 1 + rnd.nextInt(2); k < n; k++) {
            columns.add(colNames.fresh());
            listed.add(rnd.nextBoolean());
        }
        if (rnd.nextInt(3) == 0) {
            String twin = colNames.twin(columns.get(0));
            if (twin != null) {
                columns.add(twin);
                listed.add(!listed.get(0));
            }
        }
        String module = module(rnd, "fts" + version);
        StringBuilder ddl = new StringBuilder("CREATE VIRTUAL TABLE " + quote(name) + " USING " + module + "("
                + quote(pub));
        for (String c : columns) {
            ddl.append(", ").append(quote(c));
        }
        String what = "own content";
        if (version == 3 && rnd.nextBoolean() && !s.plains.isEmpty()) {
            // FTS3 has no content option: SQLite reads this as one more column, named "content"
            ddl.append(", ").append(contentOption(rnd, 4, rnd.nextBoolean() ? "" : s.plains.get(0).name));
            what = "own content, written with a content= argument (a column to FTS3)";
        }
        s.exec(ddl.append(")").toString());
        Category category = Category.values()[rnd.nextInt(4)];
        boolean where = category == Category.FILTERED || category == Category.PARTIAL && rnd.nextBoolean();
        String rowid = version == 5 ? "rowid" : "docid";
        List<Cell> indexed = new ArrayList<>();
        String insert = "INSERT INTO " + quote(name) + "(" + rowid + ", " + quote(pub)
                + columns.stream().map(c -> ", " + quote(c)).reduce("", String::concat) + ") VALUES (?, ?"
                + ", ?".repeat(columns.size()) + ")";
        try (PreparedStatement ps = s.connection.prepareStatement(insert)) {
            for (int r = 0, rows = rnd.nextInt(8); r < rows; r++) {
                long id = 2L * r + 1;
                boolean pubRow = rnd.nextBoolean();
                boolean deleted = rnd.nextInt(6) == 0;
                ps.setLong(1, id);
                ps.setString(2, pubRow ? "y" : "n");
                for (int k = 0; k < columns.size(); k++) {
                    String m = s.marker();
                    String why = LeakSchema.withheld(category, !where || pubRow, listed.get(k), deleted);
                    Cell cell = s.cell(m, name, columns.get(k), id, why == null, why == null ? "published" : why);
                    if (why == null) {
                        indexed.add(cell);
                    }
                    ps.setString(3 + k, s.value(m));
                }
                ps.executeUpdate();
                if (deleted) {
                    s.exec("DELETE FROM " + quote(name) + " WHERE " + rowid + " = " + id);
                }
            }
        }
        String table = s.names.asciiVariant(name);
        String clause = quote(s.names.asciiVariant(pub)) + " = 'y'";
        switch (category) {
            case UNLISTED -> {
            }
            case FULL -> s.spec.fullTables(table);
            case FILTERED -> s.spec.filteredTable(table, clause);
            case PARTIAL -> {
                List<String> spec = new ArrayList<>();
                for (int k = 0; k < columns.size(); k++) {
                    if (listed.get(k)) {
                        spec.add(s.names.asciiVariant(columns.get(k)));
                    }
                }
                if (spec.isEmpty() || rnd.nextBoolean()) {
                    spec.add(s.names.asciiVariant(pub));
                }
                s.spec.partialTable(table, new PartialTable(spec, where ? clause : ""));
            }
        }
        boolean published = category != Category.UNLISTED;
        if (published) {
            s.published.put(SqliteNames.fold(name), name);
        }
        s.fts.add(new LeakSchema.Fts(name, version, form(version, module, what), published, indexed));
        s.vectors.add(form(version, module, what) + " " + SqliteNames.describe(name) + " " + category
                + ", columns " + columns.stream().map(SqliteNames::describe).toList() + " listed " + listed);
    }

    private static void externalContent(LeakSchema s, int version) throws SQLException {
        Random rnd = s.rnd;
        List<Plain> candidates = s.plains.stream().filter(p -> !p.withoutRowid && !p.columns.isEmpty()).toList();
        if (candidates.isEmpty()) {
            return;
        }
        Plain content = candidates.get(rnd.nextInt(candidates.size()));
        List<Integer> columns = new ArrayList<>();
        for (int k = 0; k < content.columns.size(); k++) {
            if (rnd.nextBoolean()) {
                columns.add(k);
            }
        }
        if (columns.isEmpty()) {
            columns.add(rnd.nextInt(content.columns.size()));
        }
        String name = s.names.fresh();
        while (sameAsAColumn(name, content, columns)) {
            name = s.names.fresh(); // FTS refuses a column named like its table
        }
        String module = module(rnd, "fts" + version);
        StringBuilder ddl = new StringBuilder("CREATE VIRTUAL TABLE " + quote(name) + " USING " + module + "(");
        for (int k : columns) {
            ddl.append(quote(content.columns.get(k))).append(", ");
        }
        ddl.append(contentOption(rnd, version, content.name));
        if (version == 5 && rnd.nextBoolean()) {
            ddl.append(", content_rowid=").append(optionValue(rnd, content.id));
        }
        s.exec(ddl.append(")").toString());
        s.exec("INSERT INTO " + quote(name) + "(" + quote(name) + ") VALUES ('rebuild')");
        boolean contentPublished = content.category != Category.UNLISTED;
        boolean listed = rnd.nextBoolean() && (contentPublished || s.refusalAllowed);
        String what = "external content over " + content.category + " table " + SqliteNames.describe(content.name);
        if (listed) {
            s.spec.fullTables(s.names.asciiVariant(name));
            if (contentPublished) {
                s.published.put(SqliteNames.fold(name), name);
            } else {
                s.refused.put(name, "external-content table over the unpublished table "
                        + SqliteNames.describe(content.name));
            }
        }
        List<Cell> indexed = new ArrayList<>();
        for (List<Cell> row : content.rows) {
            for (int k : columns) {
                if (row.get(k).published()) {
                    indexed.add(row.get(k));
                }
            }
        }
        s.fts.add(new LeakSchema.Fts(name, version, form(version, module, what), listed && contentPublished, indexed));
        s.vectors.add(form(version, module, what) + " " + SqliteNames.describe(name) + (listed ? " listed" : " unlisted")
                + ", columns " + columns.stream().map(k -> SqliteNames.describe(content.columns.get(k))).toList());
        if (version == 5 && rnd.nextInt(3) == 0) {
            fts5vocab(s, name);
        }
    }

    private static boolean sameAsAColumn(String name, Plain content, List<Integer> columns) {
        return columns.stream().anyMatch(k -> SqliteNames.fold(content.columns.get(k)).equals(SqliteNames.fold(name)));
    }

    private static void contentless(LeakSchema s, int version) throws SQLException {
        Random rnd = s.rnd;
        String name = s.names.fresh();
        String column = s.names.fresh();
        String module = module(rnd, "fts" + version);
        s.exec("CREATE VIRTUAL TABLE " + quote(name) + " USING " + module + "(" + quote(column) + ", "
                + contentOption(rnd, version, "") + ")");
        String rowid = version == 5 ? "rowid" : "docid";
        try (PreparedStatement ps = s.connection.prepareStatement("INSERT INTO " + quote(name) + "(" + rowid + ", "
                + quote(column) + ") VALUES (?, ?)")) {
            for (int r = 0, rows = 1 + rnd.nextInt(5); r < rows; r++) {
                String m = s.marker();
                s.cell(m, name, column, r + 1, false, "indexed by a contentless table");
                ps.setLong(1, r + 1);
                ps.setString(2, s.value(m));
                ps.executeUpdate();
            }
        }
        boolean listed = s.refusalAllowed && rnd.nextBoolean();
        if (listed) {
            s.spec.fullTables(s.names.asciiVariant(name));
            s.refused.put(name, "contentless FTS" + version + " table");
        }
        s.fts.add(new LeakSchema.Fts(name, version, form(version, module, "contentless"), false, List.of()));
        s.vectors.add(form(version, module, "contentless") + " " + SqliteNames.describe(name)
                + (listed ? " listed" : " unlisted"));
    }

    private static void fts5vocab(LeakSchema s, String fts) throws SQLException {
        String name = s.names.fresh();
        s.exec("CREATE VIRTUAL TABLE " + quote(name) + " USING " + module(s.rnd, "fts5vocab") + "('"
                + fts + "', 'row')");
        boolean listed = s.refusalAllowed && s.rnd.nextBoolean();
        if (listed) {
            s.spec.fullTables(s.names.asciiVariant(name));
            s.refused.put(name, "read-only fts5vocab table");
        }
        s.vectors.add("fts5vocab " + SqliteNames.describe(name) + (listed ? " listed" : " unlisted"));
    }

    private static void rtree(LeakSchema s) throws SQLException {
        Random rnd = s.rnd;
        String name = s.names.fresh();
        SqliteNames cols = new SqliteNames(rnd);
        String id = cols.fresh();
        String pub = cols.fresh();
        String label = cols.fresh();
        String module = module(rnd, "rtree");
        s.exec("CREATE VIRTUAL TABLE " + quote(name) + " USING " + module + "(" + quote(id) + ", "
                + quote(cols.fresh()) + ", " + quote(cols.fresh()) + ", +" + quote(pub) + ", +" + quote(label) + ")");
        Category category = Category.values()[rnd.nextInt(3)];
        try (PreparedStatement ps = s.connection.prepareStatement("INSERT INTO " + quote(name) + " VALUES (?, ?, ?, ?, ?)")) {
            for (int r = 0, rows = rnd.nextInt(6); r < rows; r++) {
                boolean pubRow = rnd.nextBoolean();
                String m = s.marker();
                String why = LeakSchema.withheld(category, pubRow, true, false);
                s.cell(m, name, label, r + 1, why == null, why == null ? "published" : why);
                ps.setLong(1, r + 1);
                ps.setDouble(2, r);
                ps.setDouble(3, r + 1.5);
                ps.setInt(4, pubRow ? 1 : 0);
                ps.setString(5, s.value(m));
                ps.executeUpdate();
            }
        }
        String table = s.names.asciiVariant(name);
        switch (category) {
            case FULL -> s.spec.fullTables(table);
            case FILTERED -> s.spec.filteredTable(table, quote(s.names.asciiVariant(pub)) + " = 1");
            default -> {
            }
        }
        if (category != Category.UNLISTED) {
            s.published.put(SqliteNames.fold(name), name);
        }
        s.vectors.add("R*Tree (USING " + module + ") " + SqliteNames.describe(name) + " " + category);
    }
}
