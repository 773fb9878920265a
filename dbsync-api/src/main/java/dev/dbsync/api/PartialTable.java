package dev.dbsync.api;

import java.util.List;
import java.util.Objects;

/**
 * A table published with only some of its columns, and optionally only some of its rows.
 *
 * <p>Columns not listed are blanked in the snapshot: set to NULL, or to their type's zero
 * value where the column is NOT NULL. An empty {@code where} publishes every row.
 *
 * @param columns the columns to publish, in the order given; at least one
 * @param where a SQL expression selecting the rows to publish, or empty for all rows
 */
public record PartialTable(List<String> columns, String where) {

    /**
     * Validates and copies the arguments.
     *
     * @throws FilterException if no column is given or a column name is blank
     */
    public PartialTable {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            throw new FilterException(null, "a partial table needs at least one column");
        }
        for (String c : columns) {
            if (c == null || c.isBlank()) {
                throw new FilterException(null, "a partial table's column name is blank: " + columns);
            }
        }
        columns = List.copyOf(columns);
        where = where == null ? "" : where;
    }

    /**
     * A partial table publishing every row.
     *
     * @param columns the columns to publish
     * @return the partial table
     */
    public static PartialTable of(String... columns) {
        return new PartialTable(List.of(columns), "");
    }

    /**
     * A partial table publishing the rows matching {@code where}.
     *
     * @param where the row filter, a SQL expression
     * @param columns the columns to publish
     * @return the partial table
     */
    public static PartialTable where(String where, String... columns) {
        return new PartialTable(List.of(columns), where);
    }

    /** @return true when a row filter is set */
    public boolean hasWhere() {
        return !where.isBlank();
    }
}
