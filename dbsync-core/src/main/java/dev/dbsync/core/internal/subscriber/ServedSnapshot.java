package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.SnapshotMeta;

/**
 * The snapshot a subscriber serves and when it was swapped in.
 *
 * @param meta its meta ({@code compressed} is always false)
 * @param swappedAt unix seconds of the swap that installed it; 0 when it was found at start
 *     without a record of its swap
 */
public record ServedSnapshot(SnapshotMeta meta, long swappedAt) {
}
