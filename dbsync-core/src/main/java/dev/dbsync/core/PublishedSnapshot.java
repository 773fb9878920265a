package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.internal.wire.PageDelta;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One published snapshot version, readable by any number of concurrent pushes from one open
 * file: pushes read with positional reads, so no copy is ever held in memory. The file is
 * opened right after it is renamed into place, so replacing the save path with a newer
 * version later never changes the bytes a push of this version reads. Reference-counted: the
 * file closes when the publisher and the last push have released it.
 *
 * <p>The file is a {@link RandomAccessFile}, not a {@code FileChannel}: an interrupt that reaches
 * a thread blocked in a channel read closes the channel for every reader, and QUIC libraries do
 * interrupt threads (kwik wakes a stream's blocked reader or writer with an interrupt that can
 * arrive after the read returned). One stray interrupt must cost at most its own push, never
 * every push of the version. Reads seek and read under the file's lock.
 *
 * <p>Opening and closing this Java descriptor is safe where it would not be on a served
 * database: the save path is the publisher's own file, which no SQLite connection of this
 * process opens once it is renamed in (the producer writes the {@code .next} file through
 * SQLite and closes that connection before hashing and renaming it), and no subscriber of any
 * process can serve the same path (both take the lock {@code <savePath>.lock}). So closing it
 * drops no SQLite lock. (A file a subscriber serves is read only through its
 * {@code ServedFile}.)
 */
final class PublishedSnapshot {
    private final SnapshotMeta meta;
    private final long sequence;
    private final RandomAccessFile file;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** The page digests of the {@code pages} encoding, computed by the first push that needs them. */
    private long[] digests;
    private int digestsPageSize;

    private PublishedSnapshot(SnapshotMeta meta, long sequence, RandomAccessFile file) {
        this.meta = meta;
        this.sequence = sequence;
        this.file = file;
    }

    /**
     * Opens {@code file} for the given meta; the caller holds the first reference.
     *
     * @param sequence how many snapshots this publisher published before this one
     * @throws UncheckedIOException if it cannot be opened or its size differs from the meta
     */
    static PublishedSnapshot open(Path file, SnapshotMeta meta, long sequence) {
        try {
            RandomAccessFile f = new RandomAccessFile(file.toFile(), "r");
            if (f.length() != meta.size()) {
                long size = f.length();
                f.close();
                throw new IOException(file + " holds " + size + " bytes but its meta says " + meta.size());
            }
            return new PublishedSnapshot(meta, sequence, f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SnapshotMeta meta() {
        return meta;
    }

    long sequence() {
        return sequence;
    }

    /** @return this snapshot with one more reference, or null if it was already released */
    PublishedSnapshot retain() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return null;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return this;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            try {
                file.close();
            } catch (IOException e) {
                // nothing left to do with a read-only file
            }
        }
    }

    /**
     * @return the snapshot as a push's payload: streams over the file, and page digests
     *     computed once for all the pushes of this version
     */
    PushExchange.PayloadSource payload() {
        return new PushExchange.PayloadSource() {
            @Override
            public InputStream open() {
                return newInputStream();
            }

            @Override
            public long[] digests(long size, int pageSize) throws IOException {
                return pageDigests(pageSize);
            }
        };
    }

    private synchronized long[] pageDigests(int pageSize) throws IOException {
        if (digests == null || digestsPageSize != pageSize) {
            digests = PageDelta.digests(this::newInputStream, meta.size(), pageSize);
            digestsPageSize = pageSize;
        }
        return digests;
    }

    /** @return a new independent stream over the whole snapshot (positional reads) */
    InputStream newInputStream() {
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public long skip(long n) {
                long skipped = Math.max(0, Math.min(n, meta.size() - position));
                position += skipped;
                return skipped;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= meta.size()) {
                    return -1;
                }
                int n;
                synchronized (file) {
                    file.seek(position);
                    n = file.read(b, off, (int) Math.min(len, meta.size() - position));
                }
                if (n > 0) {
                    position += n;
                }
                return n;
            }
        };
    }
}
