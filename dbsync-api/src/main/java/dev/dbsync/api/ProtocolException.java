package dev.dbsync.api;

/**
 * A peer sent bytes that do not follow the dbsync wire protocol: bad magic, an oversize or
 * malformed header, a payload of the wrong length, corrupt compression, and so on.
 *
 * <p>The byte offset in the stream where the violation was found is available as data
 * ({@code -1} when unknown). Nothing received before the violation may be trusted.
 */
public class ProtocolException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * Creates a protocol violation.
     *
     * @param offset the stream offset where it was found, or -1
     * @param message what is wrong
     */
    public ProtocolException(long offset, String message) {
        this(offset, message, null);
    }

    /**
     * Creates a protocol violation with a cause.
     *
     * @param offset the stream offset where it was found, or -1
     * @param message what is wrong
     * @param cause the underlying failure, or null
     */
    public ProtocolException(long offset, String message, Throwable cause) {
        super(offset >= 0 ? message + " (at byte " + offset + ")" : message, cause);
        this.offset = offset;
    }

    /** @return the stream offset where the violation was found, or -1 */
    public long offset() {
        return offset;
    }
}
