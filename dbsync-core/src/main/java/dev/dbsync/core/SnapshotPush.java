package dev.dbsync.core;

import dev.dbsync.api.Target;

/**
 * Delivers one published snapshot to one target. Implementations speak the wire protocol.
 */
interface SnapshotPush {

    /**
     * What the target said after a push.
     *
     * @param servedVersion the version the target now serves
     * @param servedHash the hash the target now serves
     * @param confirmed false for protocol v1, which has no acknowledgement
     * @param transferred false when the target answered {@code skip} (it already served the
     *     snapshot: no payload was sent)
     */
    record Outcome(long servedVersion, String servedHash, boolean confirmed, boolean transferred) {
    }

    /**
     * Pushes {@code snapshot} to {@code target}.
     *
     * @param target the target
     * @param snapshot the snapshot, retained by the caller for the duration
     * @param cancel registers what to abort when the publisher closes
     * @return the outcome
     * @throws Exception on any failure (refused, unreachable, rejected, stalled)
     */
    Outcome push(Target target, PublishedSnapshot snapshot, Cancellation cancel) throws Exception;

    /** Lets a push register the stream to abort when the publisher closes. */
    interface Cancellation {
        /**
         * @param abort run at most once, when the publisher closes while the push runs
         * @return false when the publisher is already closing: give up at once
         */
        boolean onCancel(Runnable abort);
    }
}
