package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Leak-proofness: random schemas and rows carry unique marker strings; after production the
 * raw bytes of the snapshot hold every published marker and no unpublished one. Each try's
 * schema, rows and spec derive from one random seed, reported by jqwik on failure.
 *
 * <p>The second property draws its names from {@link SqliteNames} (non-ASCII letters in both
 * cases, characters Java folds onto ASCII, pairs of names SQLite keeps apart and Java merges)
 * and adds FTS3/4/5 tables in every form and module quoting ({@link LeakVirtualTables}); it also
 * checks that the publication plan ({@link FilterValidator#plan}) and the snapshot agree
 * ({@link PlanAgreement}). It
 * runs 200 tries in {@code verify}; {@code -Ddbsync.leak.tries=N} sets its count, and
 * {@code -Pstress} (which sets {@code dbsync.stress}) runs 2,000:
 * <pre>
 * ./mvnw -B -o -q -pl dbsync-filter -am test -Dtest='LeakProperties#noPrivateMarker*' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Ddbsync.leak.tries=2000
 * </pre>
 */
class LeakProperties {
    /** Tries of {@link #noPrivateMarkerLeavesWhateverNamesAndVirtualTablesTheSourceUses} in {@code verify}. */
    static final int NAMES_AND_VIRTUAL_TABLES_TRIES = 200;

    private enum Category { UNLISTED, FULL, FILTERED, PARTIAL }

    private record Cell(String marker, boolean published) {
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void snapshotBytesHoldEveryPublishedMarkerAndNoUnpublishedOne(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("leak");
        try {
            Path source = dir.resolve("src.db");
            List<Cell> cells = new ArrayList<>();
            FilterSpec.Builder spec = FilterSpec.builder();
            Set<String> used = new HashSet<>();
            try (Connection c = SqliteFiles.open(source); Statement s = c.createStatement()) {
                if (rnd.nextBoolean()) {
                    s.execute("PRAGMA journal_mode = WAL");
                }
                s.execute("PRAGMA synchronous = OFF");
                c.setAutoCommit(false);
                int tables = 1 + rnd.nextInt(4);
                for (int t = 0; t < tables; t++) {
                    buildTable(c, s, "t" + t, Category.values()[rnd.nextInt(4)], rnd, cells, spec, used);
                }
                c.commit();
            }
            Path out = dir.resolve("out.db");
            SnapshotProducer.builder(source).build().produce(out, spec.build(), 1);
            String bytes = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
            for (Cell cell : cells) {
                if (cell.published()) {
                    assertThat(bytes).as("published marker").contains(cell.marker());
                } else {
                    assertThat(bytes).as("unpublished marker").doesNotContain(cell.marker());
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Names that SQLite keeps apart but Java's case folding merges, and virtual tables whose
     * index or content comes from other tables: no marker the spec does not publish reaches the
     * snapshot's bytes (searched case-insensitively: FTS stores lowercased tokens), its objects,
     * its FTS indexes' terms or a MATCH; every published one does; and what must be refused
     * (contentless FTS, external content over an unpublished table, read-only virtual tables, a
     * view listed as a table) is refused with a specific exception naming it, writing nothing.
     */
    @Property(tries = NAMES_AND_VIRTUAL_TABLES_TRIES, shrinking = ShrinkingMode.OFF)
    @AddLifecycleHook(LeakTries.class)
    void noPrivateMarkerLeavesWhateverNamesAndVirtualTablesTheSourceUses(@ForAll long seed) throws Exception {
        String violations = namesAndVirtualTablesViolations(seed);
        if (violations != null) {
            throw new AssertionError(violations);
        }
    }

    /** One try of the names-and-virtual-tables property: null when it holds, else what failed. */
    static String namesAndVirtualTablesViolations(long seed) throws Exception {
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("leak");
        try {
            Path source = dir.resolve("src.db");
            LeakSchema schema;
            try (Connection c = SqliteFiles.open(source); Statement s = c.createStatement()) {
                if (rnd.nextBoolean()) {
                    s.execute("PRAGMA journal_mode = WAL");
                }
                s.execute("PRAGMA synchronous = OFF");
                c.setAutoCommit(false);
                schema = LeakSchema.build(rnd, c, s);
                c.commit();
            }
            List<String> violations = new ArrayList<>();
            FilterSpec spec = null;
            try {
                spec = schema.spec.build();
            } catch (DbsyncException e) {
                violations.add("FilterSpec.build() rejects a spec whose names SQLite reads as distinct: " + e);
            }
            PublicationReview plan = null;
            if (spec != null && schema.refused.isEmpty()) {
                try {
                    plan = FilterValidator.plan(spec, source);
                } catch (DbsyncException e) {
                    violations.add("FilterValidator.validateAgainst rejects a spec production must accept: " + e);
                }
            }
            if (spec != null) {
                Path out = dir.resolve("out.db");
                RuntimeException thrown = null;
                try {
                    SnapshotProducer.builder(source).build().produce(out, spec, 1);
                } catch (RuntimeException e) {
                    thrown = e;
                }
                if (!schema.refused.isEmpty()) {
                    LeakChecks.refusal(schema, thrown, dir, violations);
                } else if (thrown != null) {
                    violations.add("production failed: " + thrown);
                }
                if (thrown == null) {
                    LeakChecks.snapshot(schema, out, violations);
                    if (plan != null) {
                        PlanAgreement.violations(plan, source, out)
                                .forEach(v -> violations.add("the plan and production disagree: " + v));
                    }
                }
            }
            if (violations.isEmpty()) {
                return null;
            }
            return "seed " + seed + ": " + violations.size() + " violation(s)\n  " + String.join("\n  ", violations)
                    + "\nschema:\n  " + String.join("\n  ", schema.vectors) + "\nspec: "
                    + (spec == null ? "(not built)" : spec);
        } finally {
            deleteTree(dir);
        }
    }

    private static void buildTable(Connection c, Statement s, String name, Category category, Random rnd,
            List<Cell> cells, FilterSpec.Builder spec, Set<String> used) throws Exception {
        int columns = 1 + rnd.nextInt(4);
        boolean withoutRowid = rnd.nextInt(5) == 0;
        boolean[] blob = new boolean[columns];
        boolean[] listed = new boolean[columns];
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, pub INT NOT NULL");
        for (int k = 0; k < columns; k++) {
            blob[k] = rnd.nextInt(3) == 0;
            listed[k] = rnd.nextBoolean();
            ddl.append(", c").append(k).append(blob[k] ? " BLOB" : " TEXT");
            if (rnd.nextInt(3) == 0) {
                ddl.append(" NOT NULL");
            }
            if (rnd.nextInt(4) == 0) {
                ddl.append(" UNIQUE");
            }
        }
        ddl.append(withoutRowid ? ") WITHOUT ROWID" : ")");
        s.execute(ddl.toString());
        for (int k = 0; k < columns; k++) {
            if (rnd.nextBoolean()) {
                s.execute("CREATE INDEX " + name + "_c" + k + " ON " + name + "(c" + k + ")");
            }
        }
        boolean partialWhere = rnd.nextBoolean();
        int rows = rnd.nextInt(15);
        List<Long> deleted = new ArrayList<>();
        StringBuilder insert = new StringBuilder("INSERT INTO " + name + " VALUES (?, ?");
        insert.append(", ?".repeat(columns)).append(')');
        try (PreparedStatement ps = c.prepareStatement(insert.toString())) {
            for (int r = 0; r < rows; r++) {
                boolean pub = rnd.nextBoolean();
                boolean delete = rnd.nextInt(6) == 0;
                long id = r * 3L + 1;
                ps.setLong(1, id);
                ps.setInt(2, pub ? 1 : 0);
                for (int k = 0; k < columns; k++) {
                    String marker = marker(rnd, used);
                    boolean rowPublished = switch (category) {
                        case UNLISTED -> false;
                        case FULL -> true;
                        case FILTERED -> pub;
                        case PARTIAL -> (!partialWhere || pub) && listed[k];
                    };
                    cells.add(new Cell(marker, rowPublished && !delete));
                    // twice in a row: a page boundary (overflow chains) can split one copy, never both
                    String twice = marker + marker;
                    String value = rnd.nextInt(4) == 0 ? pad(rnd, 5000 + rnd.nextInt(6000)) + twice + pad(rnd, 50)
                            : pad(rnd, rnd.nextInt(20)) + twice;
                    if (blob[k]) {
                        byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
                        ps.setBytes(3 + k, b);
                    } else {
                        ps.setString(3 + k, value);
                    }
                }
                ps.executeUpdate();
                if (delete) {
                    deleted.add(id);
                }
            }
        }
        for (long id : deleted) {
            s.execute("DELETE FROM " + name + " WHERE id = " + id);
        }
        switch (category) {
            case UNLISTED -> {
            }
            case FULL -> spec.fullTables(name);
            case FILTERED -> spec.filteredTable(name, "pub = 1");
            case PARTIAL -> {
                List<String> cols = new ArrayList<>(List.of("id"));
                for (int k = 0; k < columns; k++) {
                    if (listed[k]) {
                        cols.add("c" + k);
                    }
                }
                spec.partialTable(name, new PartialTable(cols, partialWhere ? "pub = 1" : ""));
            }
        }
    }

    private static String marker(Random rnd, Set<String> used) {
        while (true) {
            StringBuilder m = new StringBuilder("MK");
            for (int i = 0; i < 14; i++) {
                m.append((char) ('A' + rnd.nextInt(26)));
            }
            if (used.add(m.toString())) {
                return m.toString();
            }
        }
    }

    private static String pad(Random rnd, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + rnd.nextInt(26)));
        }
        return b.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
