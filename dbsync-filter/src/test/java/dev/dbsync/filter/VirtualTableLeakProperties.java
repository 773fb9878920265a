package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * Leak-proofness of virtual tables: random sources with ordinary content tables (unlisted,
 * full, filtered, partial) and FTS3/4/5 tables in every form (own content, external content,
 * contentless; module names and options in any quoting, case and FTS5 abbreviation), every
 * cell a unique mixed-case marker. Production either refuses the spec with a
 * {@link FilterException} (as the validator does) when it lists a table that cannot be
 * published, or yields a snapshot whose raw bytes, searched ignoring case, hold no unpublished
 * marker and whose FTS tables {@code MATCH} every published marker and no other.
 */
class VirtualTableLeakProperties {
    private enum Listing { UNLISTED, FULL, FILTERED, PARTIAL }

    private enum Form { OWN, EXTERNAL, CONTENTLESS }

    /** A marker, where it was planted, whether it is published and under which rowid it is indexed. */
    private record Cell(String marker, boolean published, String fts, long rowid) {
    }

    private static final int COLUMNS = 3;

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void noUnpublishedMarkerLeavesThroughAVirtualTable(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("vleak");
        try {
            Path source = dir.resolve("src.db");
            FilterSpec.Builder spec = FilterSpec.builder();
            List<Cell> cells = new ArrayList<>();
            Set<String> used = new HashSet<>();
            boolean refusal = false;
            try (Connection c = SqliteFiles.open(source); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                int contents = 1 + rnd.nextInt(2);
                Map<String, Listing> listing = new HashMap<>();
                Map<String, Map<Long, boolean[]>> published = new HashMap<>();
                for (int t = 0; t < contents; t++) {
                    String name = "c" + t;
                    Listing l = Listing.values()[rnd.nextInt(4)];
                    listing.put(name, l);
                    published.put(name, contentTable(c, s, name, l, rnd, cells, used, spec));
                }
                int fts = 1 + rnd.nextInt(3);
                for (int f = 0; f < fts; f++) {
                    refusal |= ftsTable(c, s, "f" + f, rnd, cells, used, spec, listing, published);
                }
                c.commit();
            }
            Path out = dir.resolve("out.db");
            FilterSpec built = spec.build();
            if (refusal) {
                Statistics.collect("refused");
                assertThatThrownBy(() -> FilterValidator.validateAgainst(built, source))
                        .isInstanceOf(FilterException.class);
                assertThatThrownBy(() -> SnapshotProducer.builder(source).build().produce(out, built, 1))
                        .isInstanceOf(FilterException.class);
                assertThat(out).doesNotExist();
                return;
            }
            Statistics.collect("produced");
            FilterValidator.validateAgainst(built, source);
            SnapshotProducer.builder(source).build().produce(out, built, 1);
            String bytes = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            for (Cell cell : cells) {
                if (!cell.published()) {
                    assertThat(bytes).as("unpublished marker in the raw bytes").doesNotContain(cell.marker());
                }
                if (cell.fts() != null) {
                    List<Object> hits = SqliteFiles.column(out, "SELECT rowid FROM " + cell.fts() + " WHERE "
                            + cell.fts() + " MATCH '" + cell.marker() + "'");
                    assertThat(hits).as(cell.fts() + " MATCH " + cell.marker())
                            .isEqualTo(cell.published() ? List.of((int) cell.rowid()) : List.of());
                }
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** @return for each row id, which of its text columns are published */
    private static Map<Long, boolean[]> contentTable(Connection c, Statement s, String name, Listing l, Random rnd,
            List<Cell> cells, Set<String> used, FilterSpec.Builder spec) throws Exception {
        s.execute("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, pub INT NOT NULL, k0 TEXT, k1 TEXT NOT NULL, k2 TEXT)");
        boolean[] listed = {rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean()};
        boolean where = rnd.nextBoolean();
        Map<Long, boolean[]> published = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name + " VALUES (?, ?, ?, ?, ?)")) {
            int rows = 1 + rnd.nextInt(6);
            for (long id = 1; id <= rows; id++) {
                boolean pub = rnd.nextBoolean();
                boolean rowOut = switch (l) {
                    case UNLISTED -> true;
                    case FULL -> false;
                    case FILTERED -> !pub;
                    case PARTIAL -> where && !pub;
                };
                boolean[] cols = new boolean[COLUMNS];
                ps.setLong(1, id * 2);
                ps.setInt(2, pub ? 1 : 0);
                for (int k = 0; k < COLUMNS; k++) {
                    cols[k] = !rowOut && (l != Listing.PARTIAL || listed[k]);
                    String marker = marker(rnd, used);
                    cells.add(new Cell(marker.toLowerCase(Locale.ROOT), cols[k], null, 0));
                    ps.setString(3 + k, "word " + marker + " end");
                }
                ps.executeUpdate();
                published.put(id * 2, cols);
            }
        }
        switch (l) {
            case UNLISTED -> {
            }
            case FULL -> spec.fullTables(name);
            case FILTERED -> spec.filteredTable(name, "pub = 1");
            case PARTIAL -> {
                List<String> cols = new ArrayList<>(List.of("id", "pub"));
                for (int k = 0; k < COLUMNS; k++) {
                    if (listed[k]) {
                        cols.add("k" + k);
                    }
                }
                spec.partialTable(name, new PartialTable(cols, where ? "pub = 1" : ""));
            }
        }
        return published;
    }

    /** @return true when listing this table must be refused */
    private static boolean ftsTable(Connection c, Statement s, String name, Random rnd, List<Cell> cells,
            Set<String> used, FilterSpec.Builder spec, Map<String, Listing> listing,
            Map<String, Map<Long, boolean[]>> published) throws Exception {
        int version = 3 + rnd.nextInt(3);
        Form form = version == 3 ? Form.OWN : Form.values()[rnd.nextInt(10) < 5 ? 0 : rnd.nextInt(10) < 8 ? 1 : 2];
        Listing l = Listing.values()[rnd.nextInt(4)];
        String module = quote(rnd, mixCase(rnd, "fts" + version));
        List<String> args = new ArrayList<>();
        boolean[] indexed = {rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean()};
        indexed[rnd.nextInt(COLUMNS)] = true;
        for (int k = 0; k < COLUMNS; k++) {
            if (indexed[k]) {
                args.add("k" + k);
            }
        }
        String content = "c" + rnd.nextInt(listing.size());
        switch (form) {
            case OWN -> args.add("pub");
            case EXTERNAL -> {
                args.add(option(rnd, version, "content", content));
                if (version == 5 && rnd.nextBoolean()) {
                    args.add(option(rnd, version, "content_rowid", "id"));
                }
            }
            case CONTENTLESS -> {
                args.add("pub");
                args.add(option(rnd, version, "content", ""));
            }
        }
        java.util.Collections.shuffle(args, rnd);
        s.execute("CREATE VIRTUAL TABLE " + name + " USING " + module + "(" + String.join(", ", args) + ")");
        boolean where = rnd.nextBoolean();
        if (form == Form.EXTERNAL) {
            s.execute("INSERT INTO " + name + "(" + name + ") VALUES ('rebuild')");
            boolean publishable = l == Listing.FULL && listing.get(content) != Listing.UNLISTED;
            for (long rowid : publishable ? published.get(content).keySet() : Set.<Long>of()) {
                for (int k = 0; k < COLUMNS; k++) {
                    if (indexed[k]) {
                        // the content cell's marker, matched through this index exactly when it is published
                        Cell cell = findCell(cells, content, rowid, k, published);
                        cells.add(new Cell(cell.marker(), cell.published(), name, rowid));
                    }
                }
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name + "(rowid, pub"
                    + (indexed[0] ? ", k0" : "") + (indexed[1] ? ", k1" : "") + (indexed[2] ? ", k2" : "")
                    + ") VALUES (?, ?" + ", ?".repeat(count(indexed)) + ")")) {
                boolean[] listedCols = {rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean()};
                int rows = 1 + rnd.nextInt(5);
                for (long id = 1; id <= rows; id++) {
                    boolean pub = rnd.nextBoolean();
                    ps.setLong(1, id * 3);
                    ps.setString(2, pub ? "1" : "0");
                    int p = 3;
                    for (int k = 0; k < COLUMNS; k++) {
                        if (indexed[k]) {
                            String marker = marker(rnd, used);
                            boolean out = switch (l) {
                                case UNLISTED -> true;
                                case FULL -> false;
                                case FILTERED -> !pub;
                                case PARTIAL -> (where && !pub) || !listedCols[k];
                            };
                            boolean ok = form == Form.OWN && !out;
                            cells.add(new Cell(marker.toLowerCase(Locale.ROOT), ok,
                                    form == Form.OWN && l != Listing.UNLISTED ? name : null, id * 3));
                            ps.setString(p++, "word " + marker + " end");
                        }
                    }
                    ps.executeUpdate();
                }
                if (l == Listing.PARTIAL) {
                    List<String> cols = new ArrayList<>(List.of("pub"));
                    for (int k = 0; k < COLUMNS; k++) {
                        if (indexed[k] && listedCols[k]) {
                            cols.add("k" + k);
                        }
                    }
                    spec.partialTable(name, new PartialTable(cols, where ? "pub = '1'" : ""));
                }
            }
        }
        switch (l) {
            case FULL -> spec.fullTables(name);
            case FILTERED -> spec.filteredTable(name, form == Form.OWN ? "pub = '1'" : "k0 IS NOT NULL OR 1");
            case PARTIAL -> {
                if (form == Form.EXTERNAL) {
                    spec.partialTable(name, PartialTable.of("k" + firstIndexed(indexed)));
                }
            }
            default -> {
            }
        }
        if (l == Listing.UNLISTED) {
            return false;
        }
        return switch (form) {
            case OWN -> false;
            case CONTENTLESS -> true;
            case EXTERNAL -> l != Listing.FULL || listing.get(content) == Listing.UNLISTED;
        };
    }

    private static Cell findCell(List<Cell> cells, String table, long rowid, int k,
            Map<String, Map<Long, boolean[]>> published) {
        // content cells were added table by table, row by row, column by column, before any FTS cell
        int index = 0;
        for (int t = 0; ; t++) {
            String name = "c" + t;
            List<Long> rows = published.get(name).keySet().stream().sorted().toList();
            if (name.equals(table)) {
                return cells.get(index + rows.indexOf(rowid) * COLUMNS + k);
            }
            index += rows.size() * COLUMNS;
        }
    }

    private static String option(Random rnd, int version, String key, String value) {
        String k = key;
        if (version == 5 && rnd.nextBoolean()) {
            int min = key.equals("content") ? 1 : "content_".length();
            k = key.substring(0, min + rnd.nextInt(key.length() - min + 1));
        }
        String eq = version == 5 && rnd.nextInt(4) == 0 ? " = " : "=";
        String v = switch (rnd.nextInt(value.isEmpty() ? 4 : 5)) {
            case 0 -> "'" + value + "'";
            case 1 -> "\"" + value + "\"";
            case 2 -> "[" + value + "]";
            case 3 -> "`" + value + "`";
            default -> value;
        };
        return mixCase(rnd, k) + eq + v;
    }

    private static String quote(Random rnd, String name) {
        return switch (rnd.nextInt(5)) {
            case 0 -> "\"" + name + "\"";
            case 1 -> "[" + name + "]";
            case 2 -> "`" + name + "`";
            case 3 -> "'" + name + "'";
            default -> name;
        };
    }

    private static String mixCase(Random rnd, String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            b.append(rnd.nextBoolean() ? Character.toUpperCase(ch) : ch);
        }
        return b.toString();
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    private static int firstIndexed(boolean[] b) {
        for (int k = 0; k < b.length; k++) {
            if (b[k]) {
                return k;
            }
        }
        return 0;
    }

    /** A unique marker in mixed case (FTS folds it; the checks ignore case). */
    private static String marker(Random rnd, Set<String> used) {
        while (true) {
            StringBuilder m = new StringBuilder("Mk");
            for (int i = 0; i < 12; i++) {
                char ch = (char) ('a' + rnd.nextInt(26));
                m.append(rnd.nextBoolean() ? Character.toUpperCase(ch) : ch);
            }
            if (used.add(m.toString().toLowerCase(Locale.ROOT))) {
                return m.toString();
            }
        }
    }
}
