package dev.dbsync.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Counters and state of a {@link DatabaseWatcher}, read at one moment.
 *
 * @param checks how many times the detector was read
 * @param changes how many readings differed from the previous one, plus in-process nudges
 *     confirmed by the detector
 * @param errors detector and handler failures
 * @param reloads handler rounds completed successfully
 * @param averageReloadTime mean duration of a successful round, zero before the first
 * @param reopens how many times the connection was reopened because the file moved while the
 *     detector saw no change
 * @param replacements how many times the file at the watched path was replaced (renamed over,
 *     deleted and recreated) or came back after it was gone
 * @param lastChange when the watcher last saw a change (a detector reading, a replacement, a
 *     reopen), empty before the first
 * @param sinceLastChange how long ago that was, measured on a monotonic clock
 * @param sourceError why the watched file cannot be watched now (it is gone), empty when it can
 */
public record WatchStats(long checks, long changes, long errors, long reloads, Duration averageReloadTime,
                         long reopens, long replacements, Optional<Instant> lastChange,
                         Optional<Duration> sinceLastChange, Optional<String> sourceError) {

    /** Checks that no component is null. */
    public WatchStats {
        Objects.requireNonNull(averageReloadTime, "averageReloadTime");
        Objects.requireNonNull(lastChange, "lastChange");
        Objects.requireNonNull(sinceLastChange, "sinceLastChange");
        Objects.requireNonNull(sourceError, "sourceError");
    }
}
