package dev.dbsync.core;

import dev.dbsync.api.DbsyncException;

/**
 * A subscriber refused a snapshot: in its v2 answer (before any payload) or in its final
 * acknowledgement (after verifying). The reason is available as data; retrying the same
 * snapshot helps only for {@link RejectReason#BUSY}, transient I/O errors and stalls.
 */
public class SnapshotRejectedException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final RejectReason reason;
    private final long servedVersion;
    private final String servedHash;

    /**
     * @param endpoint the subscriber
     * @param reason why it refused
     * @param message its explanation
     * @param servedVersion the version it serves (0 when none)
     * @param servedHash the hash it serves (empty when none)
     */
    public SnapshotRejectedException(String endpoint, RejectReason reason, String message, long servedVersion,
                                     String servedHash) {
        super(endpoint + " refused the snapshot: " + reason.code() + (message.isEmpty() ? "" : ": " + message)
                + " (it serves version " + servedVersion + ")");
        this.endpoint = endpoint;
        this.reason = reason;
        this.servedVersion = servedVersion;
        this.servedHash = servedHash;
    }

    /** @return the subscriber's address */
    public String endpoint() {
        return endpoint;
    }

    /** @return why the snapshot was refused */
    public RejectReason reason() {
        return reason;
    }

    /** @return the version the subscriber serves, 0 when none */
    public long servedVersion() {
        return servedVersion;
    }

    /** @return the hash the subscriber serves, empty when none */
    public String servedHash() {
        return servedHash;
    }
}
