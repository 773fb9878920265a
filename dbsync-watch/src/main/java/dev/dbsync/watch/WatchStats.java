package dev.dbsync.watch;

import java.time.Duration;

/**
 * Counters of a {@link DatabaseWatcher}, read at one moment.
 *
 * @param checks how many times the detector was read
 * @param changes how many readings differed from the previous one, plus in-process nudges
 *     confirmed by the detector
 * @param errors detector and handler failures
 * @param reloads handler rounds completed successfully
 * @param averageReloadTime mean duration of a successful round, zero before the first
 */
public record WatchStats(long checks, long changes, long errors, long reloads, Duration averageReloadTime) {
}
