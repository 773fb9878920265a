package dev.dbsync.core.internal.subscriber;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * One database file (one inode) that this process serves or is about to serve, held open by a
 * single Java descriptor from <em>before</em> any SQLite connection of ours opens it until
 * <em>after</em> the last of them has closed. Every Java read of a served file goes through it:
 * the hash and header check at start, the base of a {@code pages} transfer.
 *
 * <p>Why: SQLite locks with POSIX advisory locks, and POSIX drops every lock a process holds on
 * a file when the process closes <em>any</em> descriptor of that file (SQLite's "How To Corrupt
 * An SQLite Database File", §2.2). A {@code Files.newInputStream} opened and closed on the
 * served database while a connection of this process reads it would silently strip that
 * connection's locks. The subscriber's own connections are {@code immutable=1} and take no
 * locks, but an application of the process may open the file by other means, and the promise
 * is simpler to keep than to reason about: a descriptor opened before SQLite, closed after
 * SQLite, never strips anything of ours.
 *
 * <p>Opening the same inode twice in this process returns the same instance (found by its
 * file key), so two holders (a subscriber restarted in the same JVM while connections of the
 * previous one are still borrowed) never close a descriptor under each other. Reference
 * counted: {@link #open} and {@link #retain()} each take a reference, {@link #release()}
 * gives one back, the descriptor closes with the last. Reads are positional, under the file's
 * lock. A {@link RandomAccessFile}, not a channel: an interrupt (QUIC libraries send them)
 * closes a channel under every reader, and would close this descriptor too early. Thread-safe.
 */
final class ServedFile {
    /** The 16 bytes every SQLite database file starts with. */
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    /** Open served files of this process by file key; also guards every {@link #refs}. */
    private static final Map<Object, ServedFile> OPEN = new HashMap<>();

    private final Object key;
    private final Path path;
    private final RandomAccessFile file;
    private int refs = 1;

    private ServedFile(Object key, Path path, RandomAccessFile file) {
        this.key = key;
        this.path = path;
        this.file = file;
    }

    /**
     * Opens {@code path} for reading, or takes one more reference on the instance already
     * open on its inode. Call it before any SQLite connection of this process opens the file.
     *
     * @param path an existing file
     * @return the open file, holding one reference for the caller
     * @throws IOException if it cannot be opened, or was replaced while being opened
     */
    static ServedFile open(Path path) throws IOException {
        synchronized (OPEN) {
            Object key = fileKey(path);
            ServedFile known = key == null ? null : OPEN.get(key);
            if (known != null) {
                known.refs++;
                return known;
            }
            RandomAccessFile f = new RandomAccessFile(path.toFile(), "r");
            Object after = fileKey(path);
            if (key != null && !key.equals(after)) {
                // another program renamed over the path just now; what we opened is no file of ours
                f.close();
                throw new IOException(path + " was replaced while being opened");
            }
            ServedFile served = new ServedFile(key == null ? new Object() : key, path, f);
            OPEN.put(served.key, served);
            return served;
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    /** @return this file with one more reference */
    ServedFile retain() {
        synchronized (OPEN) {
            if (refs <= 0) {
                throw new IllegalStateException(path + " was already closed");
            }
            refs++;
            return this;
        }
    }

    /** Gives back one reference; the last one closes the descriptor. */
    void release() {
        synchronized (OPEN) {
            if (--refs > 0) {
                return;
            }
            OPEN.remove(key);
        }
        try {
            file.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }

    /** @return the path it was opened at (the temp file of a received snapshot), for messages */
    Path path() {
        return path;
    }

    /** @return the open file, for positional reads under its lock ({@code synchronized (file)}) */
    RandomAccessFile file() {
        return file;
    }

    /** @return its current size */
    long size() throws IOException {
        return file.length();
    }

    /**
     * Reads up to {@code len} bytes at {@code position}.
     *
     * @return how many were read (fewer only at the end of the file)
     */
    int read(long position, byte[] b, int off, int len) throws IOException {
        synchronized (file) {
            file.seek(position);
            int done = 0;
            while (done < len) {
                int n = file.read(b, off + done, len - done);
                if (n < 0) {
                    break;
                }
                done += n;
            }
            return done;
        }
    }

    /** @return whether the file starts with the 16-byte SQLite header */
    boolean hasSqliteHeader() throws IOException {
        byte[] header = new byte[SQLITE_HEADER.length];
        return read(0, header, 0, header.length) == header.length && Arrays.equals(header, SQLITE_HEADER);
    }

    /** @return the lowercase hex SHA-256 of the whole file */
    String sha256() throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        long position = 0;
        int n;
        while ((n = read(position, buf, 0, buf.length)) > 0) {
            md.update(buf, 0, n);
            position += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
