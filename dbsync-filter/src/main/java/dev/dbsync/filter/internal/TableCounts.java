package dev.dbsync.filter.internal;

/**
 * Rows of one table written to a snapshot and rows left out.
 *
 * @param name the table
 * @param published rows the snapshot holds in the table
 * @param withheld rows of the source table the snapshot does not hold
 */
public record TableCounts(String name, long published, long withheld) {
}
