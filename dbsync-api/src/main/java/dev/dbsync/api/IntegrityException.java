package dev.dbsync.api;

/**
 * Data arrived in full but is not what its metadata declared: wrong size, wrong SHA-256, or
 * not a sound SQLite database. The data must be discarded.
 */
public class IntegrityException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    /**
     * Creates an integrity failure.
     *
     * @param what the property that failed, e.g. "SHA-256" or "size"
     * @param expected the declared value
     * @param actual the value found
     */
    public IntegrityException(String what, String expected, String actual) {
        super(what + " mismatch: expected " + expected + " but got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    /**
     * Creates an integrity failure described by a message only.
     *
     * @param message what is wrong
     * @param cause the underlying failure, or null
     */
    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
        this.expected = "";
        this.actual = "";
    }

    /** @return the declared value, or empty when not a simple comparison */
    public String expected() {
        return expected;
    }

    /** @return the value found, or empty when not a simple comparison */
    public String actual() {
        return actual;
    }
}
