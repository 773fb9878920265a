package dev.dbsync.core.internal.wire;

import dev.dbsync.api.SnapshotMeta;

import java.util.List;

/**
 * A protocol v2 offer: the snapshot meta, the encodings the publisher can send (most preferred
 * first) and the payload kind.
 *
 * @param meta the snapshot meta ({@code compressed} is always false in v2: the answer chooses)
 * @param encodings {@link Encoding}s the publisher can send, most preferred first; unknown
 *     names are kept as written so the subscriber can ignore them
 * @param payload the payload kind; {@value #FULL} is the only one defined
 */
public record Offer(SnapshotMeta meta, List<String> encodings, String payload) {
    /** Payload kind of a whole database file. */
    public static final String FULL = "full";

    /** Copies the list. */
    public Offer {
        encodings = List.copyOf(encodings);
    }
}
