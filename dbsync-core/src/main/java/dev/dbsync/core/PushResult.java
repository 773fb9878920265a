package dev.dbsync.core;

/**
 * What a successful push achieved.
 *
 * @param alpn the protocol spoken, {@code horos-dbsync-v2} or {@code horos-dbsync-v1}
 * @param outcome what the subscriber did
 * @param servedVersion the version the subscriber serves now (v2; 0 for v1, which does not say)
 * @param servedHash the hash it serves now (v2; empty for v1)
 */
public record PushResult(String alpn, Outcome outcome, long servedVersion, String servedHash) {
    /** What the subscriber did with the snapshot. */
    public enum Outcome {
        /** v2: it verified and swapped in the snapshot. */
        SWAPPED,
        /** v2: it already served that hash; nothing was sent. */
        SKIPPED,
        /** v1: the bytes were delivered and the stream ended cleanly; v1 gives no verdict. */
        DELIVERED
    }
}
