package dev.dbsync.filter;

import dev.dbsync.api.SnapshotMeta;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of producing one snapshot.
 *
 * @param meta the snapshot's version, SHA-256, size and timestamp (not compressed)
 * @param tables one report per published table, in the order they were written (by name)
 * @param bytes the size of the snapshot file, equal to {@code meta.size()}
 * @param elapsed how long production took
 */
public record ProductionReport(SnapshotMeta meta, List<TableReport> tables, long bytes, Duration elapsed) {
    /** Copies the table list. */
    public ProductionReport {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(elapsed, "elapsed");
        tables = List.copyOf(tables);
    }

    /** @return rows published over all tables */
    public long rowsPublished() {
        return tables.stream().mapToLong(TableReport::rowsPublished).sum();
    }

    /** @return rows withheld by WHERE clauses over all tables */
    public long rowsWithheld() {
        return tables.stream().mapToLong(TableReport::rowsWithheld).sum();
    }
}
