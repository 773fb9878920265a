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
 * @param pageSize the snapshot's SQLite page size, which the {@code pages} encoding works in;
 *     0 when the offer does not say (then {@code pages} cannot be chosen)
 */
public record Offer(SnapshotMeta meta, List<String> encodings, String payload, int pageSize) {
    /** Payload kind of a whole database file. */
    public static final String FULL = "full";

    /** Copies the list and checks the page size. */
    public Offer {
        encodings = List.copyOf(encodings);
        if (pageSize != 0 && !PageDelta.isPageSize(pageSize)) {
            throw new IllegalArgumentException("page size " + pageSize + " is not a power of two from 512 to 65536");
        }
    }

    /** An offer that does not state a page size. */
    public Offer(SnapshotMeta meta, List<String> encodings, String payload) {
        this(meta, encodings, payload, 0);
    }
}
