package dev.dbsync.filter.internal;

/**
 * Rows of one table written to a snapshot and rows left out.
 *
 * @param name the table
 * @param published rows copied
 * @param withheld rows of the source table not copied
 */
public record TableCounts(String name, long published, long withheld) {
}
