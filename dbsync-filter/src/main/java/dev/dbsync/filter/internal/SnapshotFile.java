package dev.dbsync.filter.internal;

import dev.dbsync.api.DbsyncException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * File handling of a snapshot: the temporary file beside the destination, the deterministic
 * header fields, the SHA-256, fsync and the atomic rename.
 */
public final class SnapshotFile {
    /** Offset of the file change counter in a SQLite header. */
    private static final int CHANGE_COUNTER = 24;
    /** Offset of the "version-valid-for" number, which must equal the change counter. */
    private static final int VERSION_VALID_FOR = 92;
    private static final String TEMP_SUFFIX = ".dbsync-tmp";
    private static final String[] SIDE_FILES = {"-journal", "-wal", "-shm"};

    private SnapshotFile() {
    }

    /** Size and SHA-256 of a sealed file. */
    public record Sealed(String sha256, long size) {
    }

    /**
     * Creates an empty temporary file in the destination's directory, first removing the
     * temporary files a crashed earlier production for the same destination left behind.
     *
     * @param destination the final path
     * @return the temporary file
     */
    public static Path createTemp(Path destination) {
        Path dir = destination.getParent();
        String prefix = "." + destination.getFileName() + ".";
        try {
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, glob(prefix) + "*" + TEMP_SUFFIX + "*")) {
                for (Path p : stale) {
                    Files.deleteIfExists(p);
                }
            }
            return Files.createTempFile(dir, prefix, TEMP_SUFFIX);
        } catch (IOException e) {
            throw new DbsyncException("cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fixes the header fields SQLite bumps per transaction, then computes the SHA-256 and,
     * when asked, flushes the file to stable storage.
     *
     * @param file the closed database file
     * @param flush whether to flush it to stable storage
     * @return its hash and size
     * @throws IOException if the file cannot be read or written
     */
    public static Sealed seal(Path file, boolean flush) throws IOException {
        for (String side : SIDE_FILES) {
            Files.deleteIfExists(Path.of(file + side));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(4).putInt(1);
            ch.write(one.flip(), CHANGE_COUNTER);
            ch.write(one.flip(), VERSION_VALID_FOR);
            MessageDigest sha = sha256();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long pos = 0;
            while (true) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                sha.update(buf.flip());
            }
            if (flush) {
                ch.force(true);
            }
            return new Sealed(HexFormat.of().formatHex(sha.digest()), pos);
        }
    }

    /**
     * Renames {@code temp} over {@code destination} atomically and, when asked, syncs the
     * directory.
     *
     * @param temp the sealed temporary file
     * @param destination the final path
     * @param syncDirectory whether to sync the directory
     * @throws IOException if the rename fails
     */
    public static void moveAtomically(Path temp, Path destination, boolean syncDirectory) throws IOException {
        try {
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + destination + " cannot rename atomically", e);
        }
        if (!syncDirectory) {
            return;
        }
        try (FileChannel dir = FileChannel.open(destination.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename itself is still atomic
        }
    }

    /**
     * Runs {@code PRAGMA integrity_check}.
     *
     * @param c the connection to the snapshot
     * @throws SQLException if SQLite fails
     * @throws DbsyncException if the check reports a problem
     */
    public static void checkIntegrity(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            String first = rs.next() ? rs.getString(1) : "no result";
            if (!"ok".equals(first)) {
                throw new DbsyncException("produced snapshot fails integrity_check: " + first);
            }
        }
    }

    /**
     * Deletes a temporary file and its SQLite side files, ignoring failures.
     *
     * @param temp the temporary file
     */
    public static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
            for (String side : SIDE_FILES) {
                Files.deleteIfExists(Path.of(temp + side));
            }
        } catch (IOException ignored) {
            // best effort: the name is unique and marked as temporary
        }
    }

    private static String glob(String literal) {
        StringBuilder b = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
