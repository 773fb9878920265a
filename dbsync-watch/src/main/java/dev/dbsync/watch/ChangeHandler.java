package dev.dbsync.watch;

/**
 * Reacts to a round of changes, e.g. by producing and publishing a snapshot. Called by one
 * watcher thread at a time, never concurrently with itself.
 */
@FunctionalInterface
public interface ChangeHandler {

    /**
     * Handles a round. If it throws, the watcher logs the failure and runs another round
     * after the poll interval, so a change is never lost to a transient failure.
     *
     * @param round the number of this round, counting from 1
     * @throws Exception on failure
     */
    void onChange(long round) throws Exception;
}
