package dev.dbsync.api;

/**
 * Root of every exception dbsync throws. It is unchecked: callers catch the subtype that
 * tells them what they can do about the failure.
 *
 * <ul>
 *   <li>{@link FilterException}: the filter specification is wrong; fix the configuration.</li>
 *   <li>{@link ProtocolException}: a peer sent bytes that break the wire protocol.</li>
 *   <li>{@link IntegrityException}: data arrived but does not match its declared size or hash.</li>
 *   <li>{@link TransportException}: the network or the peer failed; retrying may help.</li>
 *   <li>{@link TlsConfigException}: certificates or keys are missing or do not fit together.</li>
 *   <li>{@link DatabaseFileException}: a database file is not dbsync's, not SQLite, or in use;
 *       the operator must act (adopt it, move it, stop the other user).</li>
 * </ul>
 */
public class DbsyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, naming the thing at fault
     */
    public DbsyncException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong, naming the thing at fault
     * @param cause the underlying failure
     */
    public DbsyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
