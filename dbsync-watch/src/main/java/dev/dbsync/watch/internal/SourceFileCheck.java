package dev.dbsync.watch.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's cross-check of the file at the watched path, polled once per check of the
 * change detector (issue 17): whether the path is gone, back, or names another file than the
 * one the connection was opened on; and whether the file moved (size, modification time, its
 * {@code -wal}) for several polls while the connection saw no commit, which means the connection
 * may no longer see the database (e.g. it lost its locks and reads a deleted {@code -wal}).
 *
 * <p>A checkpoint without a write also moves the file; the reopen it causes costs one round that
 * finds nothing new. Each state change is logged once (repeated reopens: the first and every
 * 100th). Polled by one thread at a time; the counters and {@link #sourceError()} may be read
 * from any thread.
 */
public final class SourceFileCheck {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dbsync.watch.DatabaseWatcher");

    /** What a poll found. */
    public enum Finding {
        /** The file the connection was opened on is still there. */
        PRESENT,
        /** The path names another file (renamed over, or deleted and recreated). */
        REPLACED,
        /** The file was there at the previous poll and is gone now. */
        WENT_MISSING,
        /** The file is still gone. */
        STILL_MISSING,
        /** The file was gone and is back. */
        RETURNED
    }

    /**
     * However short the interval, the file stays unseen this long before a reopen: a writer
     * descheduled between writing its frames and publishing its commit is not a stale connection.
     */
    public static final long MIN_SILENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final Path file;
    private final int silentPollsBeforeReopen;
    private final AtomicLong reopens = new AtomicLong();
    private final AtomicLong replacements = new AtomicLong();
    private volatile String sourceError;
    private FileStamp current;
    private FileStamp opened;
    private FileStamp baseline;
    private int silentPolls;
    private long silentSince;
    private boolean missing;

    /**
     * @param name the watcher's name, for logs
     * @param file the watched database file
     * @param silentPollsBeforeReopen how many polls the file may move unseen by the detector
     */
    public SourceFileCheck(String name, Path file, int silentPollsBeforeReopen) {
        this.name = Objects.requireNonNull(name, "name");
        this.file = Objects.requireNonNull(file, "file");
        if (silentPollsBeforeReopen < 1) {
            throw new IllegalArgumentException("silentPollsBeforeReopen must be >= 1, got " + silentPollsBeforeReopen);
        }
        this.silentPollsBeforeReopen = silentPollsBeforeReopen;
    }

    /** @return reopens because the file moved while the detector was silent */
    public long reopens() {
        return reopens.get();
    }

    /** @return replacements of the file at the path, and returns after it was gone */
    public long replacements() {
        return replacements.get();
    }

    /** @return why the file cannot be watched now (it is gone), empty when it can */
    public Optional<String> sourceError() {
        return Optional.ofNullable(sourceError);
    }

    /**
     * Stats the file; call before reading the detector.
     *
     * @return what changed since the previous poll
     * @throws IOException if the file's attributes cannot be read
     */
    public Finding poll() throws IOException {
        Optional<FileStamp> stamp = FileStamp.of(file);
        if (stamp.isEmpty()) {
            current = null;
            if (missing) {
                return Finding.STILL_MISSING;
            }
            missing = true;
            sourceError = "database file " + file + " is gone (deleted, renamed away, or not created yet)";
            LOG.warn("watcher of {}: {}; no round runs until it returns", name, sourceError);
            return Finding.WENT_MISSING;
        }
        FileStamp before = opened;
        current = stamp.get();
        if (missing) {
            missing = false;
            sourceError = null;
            replacements.incrementAndGet();
            LOG.info("watcher of {}: database file {} is back; reopening", name, file);
            return Finding.RETURNED;
        }
        if (before != null && !before.sameFile(current)) {
            replacements.incrementAndGet();
            LOG.info("watcher of {}: database file {} was replaced (file {} -> {}); reopening", name, file,
                    before.fileKey(), current.fileKey());
            return Finding.REPLACED;
        }
        return Finding.PRESENT;
    }

    /**
     * Records that a connection is being opened now, after {@link #poll()}: the file of that
     * poll is the one it reads (were the path replaced in between, the next poll reopens once
     * more, never less).
     */
    public void opening() {
        opened = current;
        baseline = current;
        silentPolls = 0;
    }

    /**
     * Cross-checks a reading of the detector with the file.
     *
     * @param detectorChanged whether the connection saw a commit at this poll (or this was its
     *     first reading): the file's stamp is taken again as the new reference
     * @return true when the file moved and the connection stayed silent for
     *     {@code silentPollsBeforeReopen} polls and {@link #MIN_SILENCE_NANOS}: the connection
     *     should be reopened
     * @throws IOException if the file's attributes cannot be read
     */
    public boolean stale(boolean detectorChanged) throws IOException {
        if (current == null) {
            return false;
        }
        if (detectorChanged) {
            // stat again after the reading: every write the detector saw is in this stamp
            baseline = FileStamp.of(file).orElse(current);
            silentPolls = 0;
            return false;
        }
        if (baseline == null || current.sameContent(baseline)) {
            silentPolls = 0;
            return false;
        }
        if (++silentPolls == 1) {
            silentSince = System.nanoTime();
        }
        if (silentPolls < silentPollsBeforeReopen || System.nanoTime() - silentSince < MIN_SILENCE_NANOS) {
            return false;
        }
        long n = reopens.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
            LOG.warn("watcher of {}: {} moved on disk ({}) but its connection saw no commit for {} polls "
                    + "(lost locks, a deleted -wal, or a checkpoint); reopening it ({} reopens so far)", name, file,
                    current.movedSince(baseline),
                    silentPolls, n);
        }
        return true;
    }
}
