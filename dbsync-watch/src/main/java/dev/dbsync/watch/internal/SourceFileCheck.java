package dev.dbsync.watch.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The watcher's cross-check of the file at the watched path, polled once per check of the
 * change detector (issue 17): whether the path is gone, back, or names another file than the
 * one the connection was opened on; and whether the file moved (size, modification time, its
 * {@code -wal}) for several polls while the detector saw no change, which means the connection
 * no longer sees the database (e.g. it lost its locks and reads a deleted {@code -wal}).
 *
 * <p>A checkpoint without a write also moves the file; the reopen it causes costs one round that
 * finds nothing new. Used by one thread at a time; not thread-safe.
 */
public final class SourceFileCheck {
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

    private final Path file;
    private final int silentPollsBeforeReopen;
    private FileStamp current;
    private FileStamp opened;
    private FileStamp baseline;
    private int silentPolls;
    private boolean missing;

    /**
     * @param file the watched database file
     * @param silentPollsBeforeReopen how many polls the file may move unseen by the detector
     */
    public SourceFileCheck(Path file, int silentPollsBeforeReopen) {
        this.file = Objects.requireNonNull(file, "file");
        if (silentPollsBeforeReopen < 1) {
            throw new IllegalArgumentException("silentPollsBeforeReopen must be >= 1, got " + silentPollsBeforeReopen);
        }
        this.silentPollsBeforeReopen = silentPollsBeforeReopen;
    }

    /** @return the watched file */
    public Path file() {
        return file;
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
            boolean was = missing;
            missing = true;
            return was ? Finding.STILL_MISSING : Finding.WENT_MISSING;
        }
        current = stamp.get();
        if (missing) {
            missing = false;
            return Finding.RETURNED;
        }
        return opened != null && !opened.sameFile(current) ? Finding.REPLACED : Finding.PRESENT;
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
     * @param detectorChanged whether the detector reported a change at this poll
     * @return true when the file moved and the detector stayed silent for
     *     {@code silentPollsBeforeReopen} polls: the connection should be reopened
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
        return ++silentPolls >= silentPollsBeforeReopen;
    }

    /** @return what moved since the detector last saw a change, for a log line */
    public String moved() {
        return current == null || baseline == null ? "unknown" : current.movedSince(baseline);
    }

    /** @return the identity of the file at the last poll and of the one the connection was opened on */
    public String identities() {
        return (opened == null ? "?" : opened.fileKey()) + " -> " + (current == null ? "?" : current.fileKey());
    }
}
