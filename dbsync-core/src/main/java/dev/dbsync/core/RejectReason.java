package dev.dbsync.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a subscriber refused a snapshot, as the machine-readable codes of protocol v2
 * ({@code docs/protocol.md}). The first six are sent in a v2 answer, before any payload;
 * the others end a transfer in a negative acknowledgement. v1 pushes get no answer, but are
 * refused, logged and counted with the same codes.
 */
public enum RejectReason {
    /** The version is not newer than the one served (replay or rollback). */
    STALE_VERSION,
    /** The snapshot's timestamp is older than the subscriber's maximum age. */
    TOO_OLD,
    /** The declared size exceeds the subscriber's maximum snapshot size. */
    TOO_LARGE,
    /** The snapshot does not fit in the free disk space, margin included. */
    INSUFFICIENT_DISK,
    /** The subscriber is receiving as many snapshots as it allows at once. */
    BUSY,
    /** The offer asks for something this subscriber does not support (payload kind, encoding). */
    UNSUPPORTED,
    /** The payload was not the declared number of bytes. */
    SIZE_MISMATCH,
    /** The payload's SHA-256 differs from the declared hash. */
    HASH_MISMATCH,
    /** The payload is not a sound SQLite database ({@code PRAGMA quick_check} failed). */
    CORRUPT_DATABASE,
    /** The peer broke the wire protocol (bad frame, truncated stream, corrupt gzip, trailing data). */
    PROTOCOL_ERROR,
    /** The sender made no progress for the stall timeout and was cut off. */
    STALLED,
    /** A local I/O failure (disk full during the write, rename failed, …). */
    IO_ERROR;

    /** @return the wire code, e.g. {@code "stale_version"} */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param code a wire code
     * @return the reason with that code, if known
     */
    public static Optional<RejectReason> fromCode(String code) {
        for (RejectReason r : values()) {
            if (r.code().equals(code)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** @return true when this reason is sent in an answer, before any payload */
    public boolean isAnswerReason() {
        return ordinal() <= UNSUPPORTED.ordinal();
    }
}
