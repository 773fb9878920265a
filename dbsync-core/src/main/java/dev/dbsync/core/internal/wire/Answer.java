package dev.dbsync.core.internal.wire;

import dev.dbsync.core.RejectReason;

import java.util.Objects;
import java.util.Optional;

/**
 * A protocol v2 answer to an offer.
 *
 * @param action what the publisher is to do
 * @param encoding for {@link Action#SEND}: the encoding to send
 * @param reason for {@link Action#REJECT}: why
 * @param message a human-readable explanation (may be empty)
 * @param servedVersion the version the subscriber serves (0 when none)
 * @param servedHash the hash it serves (empty when none)
 */
public record Answer(Action action, Optional<Encoding> encoding, Optional<RejectReason> reason, String message,
                     long servedVersion, String servedHash) {
    /** What the publisher is to do. */
    public enum Action {
        /** Send the payload in the named encoding. */
        SEND,
        /** Send nothing: the subscriber already serves that hash (success). */
        SKIP,
        /** Send nothing: the subscriber refuses, for the given reason. */
        REJECT
    }

    /** Checks that the optional parts fit the action. */
    public Answer {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(servedHash, "servedHash");
        if ((action == Action.SEND) != encoding.isPresent()) {
            throw new IllegalArgumentException("an encoding goes with 'send' and only with it");
        }
        if ((action == Action.REJECT) != reason.isPresent()) {
            throw new IllegalArgumentException("a reason goes with 'reject' and only with it");
        }
        if (reason.isPresent() && !reason.get().isAnswerReason()) {
            throw new IllegalArgumentException(reason.get().code() + " is not an answer reason");
        }
    }

    /**
     * @param encoding the encoding to send
     * @param servedVersion the served version
     * @param servedHash the served hash
     * @return a "send" answer
     */
    public static Answer send(Encoding encoding, long servedVersion, String servedHash) {
        return new Answer(Action.SEND, Optional.of(encoding), Optional.empty(), "", servedVersion, servedHash);
    }

    /**
     * @param servedVersion the served version
     * @param servedHash the served hash
     * @return a "skip" answer
     */
    public static Answer skip(long servedVersion, String servedHash) {
        return new Answer(Action.SKIP, Optional.empty(), Optional.empty(), "", servedVersion, servedHash);
    }

    /**
     * @param reason why
     * @param message explanation
     * @param servedVersion the served version
     * @param servedHash the served hash
     * @return a "reject" answer
     */
    public static Answer reject(RejectReason reason, String message, long servedVersion, String servedHash) {
        return new Answer(Action.REJECT, Optional.empty(), Optional.of(reason), message, servedVersion, servedHash);
    }
}
