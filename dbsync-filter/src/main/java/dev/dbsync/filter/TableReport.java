package dev.dbsync.filter;

import java.util.Objects;

/**
 * What production did with one published table.
 *
 * @param name the table's name as stored in the source
 * @param rowsPublished rows the snapshot holds in this table (for a virtual table, counted
 *     through it in the snapshot: an external-content table holds the published rows of its
 *     content table)
 * @param rowsWithheld rows of the source table left out by the table's WHERE clause (for an
 *     external-content table, by its content table's)
 */
public record TableReport(String name, long rowsPublished, long rowsWithheld) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public TableReport {
        Objects.requireNonNull(name, "name");
        if (rowsPublished < 0 || rowsWithheld < 0) {
            throw new IllegalArgumentException("row counts must not be negative");
        }
    }
}
