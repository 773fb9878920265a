package dev.dbsync.core.internal.subscriber;

/**
 * The durable steps of installing a received snapshot, in order. A test hook may stop the
 * swap right after any of them to simulate a crash; a restart must then serve the complete old
 * or the complete new database, with persisted meta that matches it.
 */
public enum SwapStep {
    /** The payload is in a temp file beside the database, fsynced. */
    TEMP_SYNCED,
    /** Size, SHA-256 and {@code PRAGMA quick_check} of the temp file passed. */
    VERIFIED,
    /** The new meta is durably written as the pending meta. */
    PENDING_META_WRITTEN,
    /** The temp file was renamed over the database. */
    RENAMED,
    /** The directory was fsynced, making the rename durable. */
    DIRECTORY_SYNCED,
    /** The new meta replaced the committed meta and the pending one was removed. */
    META_COMMITTED
}
