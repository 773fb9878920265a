package dev.dbsync.api;

/**
 * TLS material is unusable: a certificate or key file is missing, unreadable, not PEM, of an
 * unsupported kind, expired, or the key does not match the certificate. The file (or other
 * source) at fault is available as data.
 */
public class TlsConfigException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * Creates a TLS configuration error.
     *
     * @param source the file or source at fault, e.g. "/etc/dbsync/server.pem"
     * @param message what is wrong with it
     * @param cause the underlying failure, or null
     */
    public TlsConfigException(String source, String message, Throwable cause) {
        super(source + ": " + message, cause);
        this.source = source;
    }

    /**
     * Creates a TLS configuration error.
     *
     * @param source the file or source at fault
     * @param message what is wrong with it
     */
    public TlsConfigException(String source, String message) {
        this(source, message, null);
    }

    /** @return the file or source at fault */
    public String source() {
        return source;
    }
}
