package dev.dbsync.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A subscriber or publisher refused to use a database file at start, leaving it untouched:
 * the file is not one dbsync wrote (no meta, or a meta that does not match it), is not a SQLite
 * database, cannot be adopted, is already in use by another subscriber or publisher, or is the
 * publisher's own source. The message names the file and what to do; the
 * file and the problem are available as data. Retrying does not help until the operator acts.
 */
public class DatabaseFileException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Problem {
        /**
         * A database exists at the path but no meta of ours lies beside it: another program
         * wrote it. Serve it only by asking to adopt it ({@code --adopt}, the subscriber
         * builder's {@code adoptExisting(true)}).
         */
        NOT_OURS,
        /**
         * A database exists at the path beside a meta file that does not describe it (its size
         * and SHA-256 match neither the committed nor the pending meta, or the meta cannot be
         * read): a meta left by an earlier install next to a file another program wrote or
         * copied in. Serve it (as version 0, replacing the meta) only by asking to adopt it.
         */
        META_MISMATCH,
        /** The file does not start with the SQLite header {@code "SQLite format 3\0"}. */
        NOT_SQLITE,
        /** A database asked to be adopted fails {@code PRAGMA quick_check}. */
        CORRUPT,
        /** Another subscriber or publisher (in this process or another) holds the file's lock. */
        IN_USE,
        /**
         * A publisher's save path (or a file it writes beside it) is its source database, one of
         * the source's {@code -wal}, {@code -shm} or {@code -journal} files, or the same file
         * under another name (a hard or symbolic link): writing it would destroy the source.
         */
        IS_SOURCE
    }

    private final transient Path file;
    private final Problem problem;

    /**
     * @param file the database file at fault
     * @param problem what is wrong with it
     * @param message what went wrong and what to do, naming the file
     * @param cause the underlying failure, or null
     */
    public DatabaseFileException(Path file, Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** @return the database file at fault */
    public Path file() {
        return file;
    }

    /** @return what is wrong with it */
    public Problem problem() {
        return problem;
    }
}
