package dev.dbsync.api;

/**
 * The network or the peer failed: connection refused, handshake refused, stream reset,
 * timeout. Retrying later may succeed. The endpoint concerned is available as data.
 */
public class TransportException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;

    /**
     * Creates a transport failure.
     *
     * @param endpoint the peer or local address concerned, e.g. "127.0.0.1:9443"
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    public TransportException(String endpoint, String message, Throwable cause) {
        super(endpoint + ": " + message, cause);
        this.endpoint = endpoint;
    }

    /**
     * Creates a transport failure.
     *
     * @param endpoint the peer or local address concerned
     * @param message what went wrong
     */
    public TransportException(String endpoint, String message) {
        this(endpoint, message, null);
    }

    /** @return the peer or local address concerned */
    public String endpoint() {
        return endpoint;
    }
}
