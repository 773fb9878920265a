package dev.dbsync.watch.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the file system says about a database file and its {@code -wal}, read with {@code stat}
 * only: reading attributes opens no descriptor, so it cannot drop SQLite's POSIX locks (closing
 * any descriptor of a file drops every lock the process holds on it).
 *
 * @param fileKey the file's identity ({@code (dev, inode)} on Linux), null where the file
 *     system has none
 * @param size the file's size in bytes
 * @param modified its modification time, in nanoseconds since the epoch
 * @param walKey the {@code -wal} file's identity, null when there is none
 * @param walSize the {@code -wal} file's size, -1 when there is none
 * @param walModified its modification time, -1 when there is none
 */
public record FileStamp(Object fileKey, long size, long modified, Object walKey, long walSize, long walModified) {

    /**
     * Reads the stamp of {@code database}.
     *
     * @param database the database file
     * @return the stamp, empty when the file does not exist
     * @throws IOException if its attributes cannot be read
     */
    public static Optional<FileStamp> of(Path database) throws IOException {
        BasicFileAttributes db;
        try {
            db = Files.readAttributes(database, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        BasicFileAttributes wal = null;
        try {
            wal = Files.readAttributes(database.resolveSibling(database.getFileName() + "-wal"),
                    BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            // rollback-journal mode, or no connection open
        }
        return Optional.of(new FileStamp(db.fileKey(), db.size(), nanos(db),
                wal == null ? null : wal.fileKey(), wal == null ? -1 : wal.size(), wal == null ? -1 : nanos(wal)));
    }

    private static long nanos(BasicFileAttributes a) {
        return a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    }

    /**
     * @param other another stamp of the same path
     * @return false when both have an identity and they differ: the path names another file now
     */
    public boolean sameFile(FileStamp other) {
        return fileKey == null || other.fileKey == null || fileKey.equals(other.fileKey);
    }

    /**
     * @param other another stamp of the same path
     * @return whether size, modification time and {@code -wal} are all unchanged
     */
    public boolean sameContent(FileStamp other) {
        return size == other.size && modified == other.modified && Objects.equals(walKey, other.walKey)
                && walSize == other.walSize && walModified == other.walModified;
    }

    /**
     * @param earlier an earlier stamp of the same path
     * @return what moved since {@code earlier}, for a log line
     */
    public String movedSince(FileStamp earlier) {
        StringBuilder s = new StringBuilder();
        if (size != earlier.size) {
            s.append("size ").append(earlier.size).append(" -> ").append(size).append(" bytes, ");
        }
        if (modified != earlier.modified) {
            s.append("modified, ");
        }
        if (!Objects.equals(walKey, earlier.walKey)) {
            s.append(earlier.walKey == null ? "-wal created, " : walKey == null ? "-wal removed, " : "-wal recreated, ");
        } else if (walSize != earlier.walSize || walModified != earlier.walModified) {
            s.append("-wal ").append(earlier.walSize).append(" -> ").append(walSize).append(" bytes, ");
        }
        return s.isEmpty() ? "unchanged" : s.substring(0, s.length() - 2);
    }
}
