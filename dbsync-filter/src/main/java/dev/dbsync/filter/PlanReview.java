package dev.dbsync.filter;

import dev.dbsync.api.HeaderField;

import dev.dbsync.api.SqlName;
import dev.dbsync.filter.PublicationReview.Disposition;
import dev.dbsync.filter.PublicationReview.Entry;
import dev.dbsync.filter.PublicationReview.ObjectKind;
import dev.dbsync.filter.internal.PublicationPlan;
import dev.dbsync.filter.internal.PublicationPlan.Category;
import dev.dbsync.filter.internal.PublicationPlan.DroppedIndex;
import dev.dbsync.filter.internal.PublicationPlan.Header;
import dev.dbsync.filter.internal.PublicationPlan.PlannedTable;
import dev.dbsync.filter.internal.SnapshotWriter;
import dev.dbsync.filter.internal.SourceCatalog;
import dev.dbsync.filter.internal.SourceCatalog.ColumnInfo;
import dev.dbsync.filter.internal.SourceCatalog.IndexInfo;
import dev.dbsync.filter.internal.SourceCatalog.TableInfo;
import dev.dbsync.filter.internal.SourceCatalog.TriggerInfo;
import dev.dbsync.filter.internal.TableDdl;
import dev.dbsync.filter.internal.VirtualTables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Puts a {@link PublicationPlan} into words: one {@link Entry} per object of the source. It
 * decides nothing — every disposition is read from the plan that {@link SnapshotWriter}
 * carries out (tables, blanked columns, kept and dropped indexes and constraints, header
 * fields) or from the rule production follows (triggers are never copied, views only when
 * listed, shadow tables are written by their virtual table's module).
 */
final class PlanReview {
    private PlanReview() {
    }

    /**
     * @param plan the resolved plan
     * @param catalog the source schema it was resolved against
     * @return the review
     */
    static PublicationReview of(PublicationPlan plan, SourceCatalog catalog) {
        List<Entry> out = new ArrayList<>();
        header(plan.header(), out);
        Map<SqlName, PlannedTable> planned = new HashMap<>();
        for (PlannedTable t : plan.tables()) {
            planned.put(SqlName.of(t.info().name()), t);
        }
        for (TableInfo info : catalog.tables()) {
            PlannedTable t = planned.get(SqlName.of(info.name()));
            ObjectKind kind = info.virtual() ? ObjectKind.VIRTUAL_TABLE : ObjectKind.TABLE;
            if (t == null) {
                out.add(entry(kind, info.name(), null, Disposition.ABSENT, "not in the spec"));
                for (IndexInfo i : info.indexes()) {
                    out.add(entry(ObjectKind.INDEX, i.name(), info.name(), Disposition.ABSENT,
                            "table " + info.name() + " is not published"));
                }
                continue;
            }
            out.add(info.virtual() ? virtualTable(t) : table(t));
            columns(t, out);
            for (IndexInfo i : t.indexes()) {
                out.add(entry(ObjectKind.INDEX, i.name(), info.name(), Disposition.PUBLISHED,
                        "built in the snapshot over the published rows"));
            }
            for (DroppedIndex d : t.droppedIndexes()) {
                out.add(entry(ObjectKind.INDEX, d.index().name(), info.name(), Disposition.DROPPED,
                        "mentions blanked column " + d.blankedColumn()));
            }
            for (TableDdl.DroppedConstraint c : t.droppedConstraints()) {
                out.add(entry(ObjectKind.CONSTRAINT, c.constraint(), info.name(), Disposition.DROPPED,
                        c.column().map(col -> "constraint of column " + col + "; ").orElse("") + c.reason()));
            }
        }
        shadowTables(catalog, planned, out);
        for (String internal : catalog.internalTables()) {
            out.add(internalTable(internal, plan));
        }
        Set<SqlName> views = plan.views().stream().map(v -> SqlName.of(v.getKey())).collect(Collectors.toSet());
        for (Map.Entry<String, String> v : catalog.views()) {
            out.add(views.contains(SqlName.of(v.getKey()))
                    ? entry(ObjectKind.VIEW, v.getKey(), null, Disposition.PUBLISHED,
                            "listed in the spec; it compiles against the published tables")
                    : entry(ObjectKind.VIEW, v.getKey(), null, Disposition.ABSENT, "not in the spec"));
        }
        for (TriggerInfo tr : catalog.triggers()) {
            out.add(entry(ObjectKind.TRIGGER, tr.name(), tr.table(), Disposition.DROPPED,
                    "triggers are never published"));
        }
        return new PublicationReview(out);
    }

    private static void header(Header h, List<Entry> out) {
        for (HeaderField f : HeaderField.values()) {
            out.add(h.listed().contains(f)
                    ? entry(ObjectKind.HEADER, f.pragma(), null, Disposition.PUBLISHED,
                            "value " + h.source(f) + ", listed in the spec's header")
                    : entry(ObjectKind.HEADER, f.pragma(), null, Disposition.ABSENT,
                            "not listed in the spec's header: 0 in the snapshot (the source's is " + h.source(f) + ")"));
        }
        out.add(entry(ObjectKind.HEADER, "encoding", null, Disposition.PUBLISHED,
                "value " + h.encoding() + ", the source's"));
        out.add(entry(ObjectKind.HEADER, "page_size", null, Disposition.REBUILT,
                "set by the producer (" + SnapshotProducer.DEFAULT_PAGE_SIZE
                        + " unless set otherwise); the source's is " + h.pageSize()));
        String[] vacuum = {"none", "full", "incremental"};
        String source = h.autoVacuum() >= 0 && h.autoVacuum() < 3 ? vacuum[(int) h.autoVacuum()]
                : String.valueOf(h.autoVacuum());
        out.add(entry(ObjectKind.HEADER, "auto_vacuum", null, Disposition.REBUILT,
                "always none in a snapshot; the source's is " + source));
    }

    private static Entry table(PlannedTable t) {
        return entry(ObjectKind.TABLE, t.info().name(), null, Disposition.PUBLISHED, rows(t));
    }

    private static String rows(PlannedTable t) {
        String rows = t.where().map(w -> "rows where " + w).orElse("every row");
        return switch (t.category()) {
            case FULL -> "every row, every column (full table in the spec)";
            case FILTERED -> rows + " (filtered table in the spec)";
            case PARTIAL -> {
                List<String> listed = t.info().columns().stream()
                        .filter(c -> c.hidden() != 1 && !t.isBlanked(c.name())).map(ColumnInfo::name).toList();
                yield "columns " + String.join(", ", listed) + " of " + rows + " (partial table in the spec)";
            }
        };
    }

    private static Entry virtualTable(PlannedTable t) {
        TableInfo info = t.info();
        String module = VirtualTables.moduleName(info);
        String reason = VirtualTables.rebuiltFromContent(info)
                ? module + " external content over published table " + VirtualTables.rowsTable(info)
                        + ": its index is rebuilt from the snapshot's rows of that table, never copied"
                : module + " table storing its own rows: created empty and filled through " + module + " with "
                        + (t.category() == Category.FULL ? "every row" : rows(t));
        return entry(ObjectKind.VIRTUAL_TABLE, info.name(), null, Disposition.REBUILT, reason);
    }

    private static void columns(PlannedTable t, List<Entry> out) {
        TableInfo info = t.info();
        for (ColumnInfo c : info.columns()) {
            if (c.hidden() == 1) {
                continue; // a virtual table's hidden column: part of its module's interface, not data
            }
            String name = c.name();
            if (t.isBlanked(name)) {
                String reason = "not listed in partial table " + info.name() + ": " + (c.generated()
                        ? "a generated column, published as a plain column without its expression or values"
                        : "values withheld (" + blankValue(t, c) + "); its schema keeps only its name, "
                                + (info.strict() ? "type" : "type affinity") + (c.notNull() ? " and NOT NULL" : ""));
                out.add(entry(ObjectKind.COLUMN, name, info.name(), Disposition.BLANKED, reason));
            } else {
                String reason = t.category() == Category.PARTIAL ? "listed in partial table " + info.name()
                        : "table " + info.name() + " is published with every column";
                if (c.generated()) {
                    reason += "; generated, computed again in the snapshot";
                }
                out.add(entry(ObjectKind.COLUMN, name, info.name(), Disposition.PUBLISHED, reason));
            }
        }
    }

    /** What a blanked column holds in the snapshot, as {@link SnapshotWriter} writes it. */
    private static String blankValue(PlannedTable t, ColumnInfo c) {
        TableInfo info = t.info();
        String value = "every row holds " + SnapshotWriter.blankedValue(info, c);
        return info.rowidAlias().map(a -> SqlName.same(a, c.name())).orElse(false)
                ? value + ": it is the rowid alias, so the snapshot assigns new rowids" : value;
    }

    /**
     * SQLite's own tables are never copied; the snapshot's {@code sqlite_sequence} is SQLite's,
     * kept by the inserts of the published rows into the AUTOINCREMENT tables it publishes.
     */
    private static Entry internalTable(String name, PublicationPlan plan) {
        if (SqlName.same(name, "sqlite_sequence")) {
            List<String> counted = plan.tables().stream()
                    .filter(PlannedTable::autoincrement)
                    .map(t -> t.info().name()).toList();
            return counted.isEmpty()
                    ? entry(ObjectKind.TABLE, name, null, Disposition.ABSENT,
                            "SQLite's AUTOINCREMENT counters: no published table uses AUTOINCREMENT")
                    : entry(ObjectKind.TABLE, name, null, Disposition.REBUILT, "SQLite's AUTOINCREMENT counters of "
                            + String.join(", ", counted) + ", kept by SQLite as the published rows are inserted;"
                            + " the source's counters are not copied");
        }
        if (SqlName.fold(name).startsWith("sqlite_stat")) {
            return entry(ObjectKind.TABLE, name, null, Disposition.ABSENT, "SQLite's statistics (ANALYZE) are not"
                    + " copied");
        }
        return entry(ObjectKind.TABLE, name, null, Disposition.ABSENT, "SQLite's internal table: not copied");
    }

    /** A shadow table belongs to the virtual table whose name, then {@code _}, starts its name. */
    private static void shadowTables(SourceCatalog catalog, Map<SqlName, PlannedTable> planned, List<Entry> out) {
        List<TableInfo> virtual = catalog.tables().stream().filter(TableInfo::virtual).toList();
        for (String shadow : catalog.shadowTables()) {
            Optional<TableInfo> owner = virtual.stream()
                    .filter(v -> SqlName.fold(shadow).startsWith(SqlName.fold(v.name()) + "_"))
                    .max((a, b) -> Integer.compare(a.name().length(), b.name().length()));
            if (owner.isEmpty()) {
                out.add(entry(ObjectKind.SHADOW_TABLE, shadow, null, Disposition.ABSENT,
                        "a shadow table of no virtual table here: never copied"));
            } else if (planned.containsKey(SqlName.of(owner.get().name()))) {
                out.add(entry(ObjectKind.SHADOW_TABLE, shadow, owner.get().name(), Disposition.REBUILT,
                        "written by " + VirtualTables.moduleName(owner.get()) + " as " + owner.get().name()
                                + " is filled in the snapshot; never copied from the source"));
            } else {
                out.add(entry(ObjectKind.SHADOW_TABLE, shadow, owner.get().name(), Disposition.ABSENT,
                        "virtual table " + owner.get().name() + " is not published"));
            }
        }
    }

    private static Entry entry(ObjectKind kind, String name, String parent, Disposition d, String reason) {
        return new Entry(kind, name, Optional.ofNullable(parent), d, reason);
    }
}
