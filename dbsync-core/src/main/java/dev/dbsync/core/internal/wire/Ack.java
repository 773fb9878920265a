package dev.dbsync.core.internal.wire;

import dev.dbsync.core.RejectReason;

import java.util.Objects;
import java.util.Optional;

/**
 * The final protocol v2 acknowledgement of a transfer.
 *
 * @param ok whether the snapshot is now served
 * @param version the version served after the transfer (0 when none)
 * @param hash the hash served after the transfer (empty when none)
 * @param error when not ok: why
 * @param message a human-readable explanation (may be empty)
 */
public record Ack(boolean ok, long version, String hash, Optional<RejectReason> error, String message) {
    /** Checks that an error goes with {@code ok == false} and only with it. */
    public Ack {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(message, "message");
        if (ok == error.isPresent()) {
            throw new IllegalArgumentException("an error goes with ok=false and only with it");
        }
    }
}
