package dev.dbsync.api;

import java.util.Optional;

/**
 * A {@link FilterSpec} is invalid: a WHERE clause uses a forbidden construct, a table or
 * column does not exist, or a table is listed twice.
 *
 * <p>The table at fault, and where known the offending token and its character position in
 * the clause, are available as data as well as in the message.
 */
public class FilterException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    private final String table;
    private final String token;
    private final int position;

    /**
     * Creates an exception about a table (or the spec as a whole when {@code table} is null).
     *
     * @param table the table at fault, or null
     * @param message what is wrong
     */
    public FilterException(String table, String message) {
        this(table, null, -1, message, null);
    }

    /**
     * Creates an exception about one token of a table's WHERE clause.
     *
     * @param table the table whose clause is at fault
     * @param token the offending token as written
     * @param position its zero-based character position in the clause
     * @param message what is wrong
     */
    public FilterException(String table, String token, int position, String message) {
        this(table, token, position, message, null);
    }

    /**
     * Creates an exception with every detail and a cause.
     *
     * @param table the table at fault, or null
     * @param token the offending token, or null
     * @param position the token's character position, or -1
     * @param message what is wrong
     * @param cause the underlying failure, or null
     */
    public FilterException(String table, String token, int position, String message, Throwable cause) {
        super(message, cause);
        this.table = table;
        this.token = token;
        this.position = position;
    }

    /** @return the table at fault, if the problem concerns one table */
    public Optional<String> table() {
        return Optional.ofNullable(table);
    }

    /** @return the offending token, if the problem is one token of a clause */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** @return the zero-based character position of the token in its clause, or -1 */
    public int position() {
        return position;
    }
}
