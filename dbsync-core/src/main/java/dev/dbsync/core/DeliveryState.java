package dev.dbsync.core;

import dev.dbsync.api.Target;

import java.time.Instant;
import java.util.Optional;

/**
 * What a publisher knows about delivering snapshots to one target, at one moment.
 *
 * @param target the target
 * @param ackedVersion the last version the target confirmed serving, or -1
 * @param ackedHash the hash of that version, or empty
 * @param confirmed false when the last delivery went over protocol v1, which has no
 *     acknowledgement: the subscriber received the bytes but did not say it swapped
 * @param lastAttempt when the last push started, if any
 * @param lastError the error of the last failed push, cleared by a success
 * @param consecutiveFailures failed pushes since the last success
 * @param inFlightVersion the version being pushed now, or -1
 * @param confirmedAt when the target last said it serves {@code ackedHash} (a push it
 *     acknowledged, or a re-confirmation it answered with {@code skip}), if ever
 */
public record DeliveryState(Target target, long ackedVersion, String ackedHash, boolean confirmed,
                            Optional<Instant> lastAttempt, Optional<String> lastError, int consecutiveFailures,
                            long inFlightVersion, Optional<Instant> confirmedAt) {

    /**
     * @param hash a snapshot's hash
     * @return true when the last contact with the target confirmed it serves {@code hash}: it
     *     acknowledged (or re-confirmed) that hash and no push or re-confirmation failed since
     */
    public boolean serves(String hash) {
        return ackedHash.equals(hash) && consecutiveFailures == 0;
    }
}
