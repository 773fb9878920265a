package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One published snapshot version, readable by any number of concurrent pushes from one open
 * file: pushes read with positional reads, so no copy is ever held in memory. The file is
 * opened right after it is renamed into place, so replacing the save path with a newer
 * version later never changes the bytes a push of this version reads. Reference-counted: the
 * channel closes when the publisher and the last push have released it.
 */
final class PublishedSnapshot {
    private final SnapshotMeta meta;
    private final long sequence;
    private final FileChannel channel;
    private final AtomicInteger refs = new AtomicInteger(1);

    private PublishedSnapshot(SnapshotMeta meta, long sequence, FileChannel channel) {
        this.meta = meta;
        this.sequence = sequence;
        this.channel = channel;
    }

    /**
     * Opens {@code file} for the given meta; the caller holds the first reference.
     *
     * @param sequence how many snapshots this publisher published before this one
     * @throws UncheckedIOException if it cannot be opened or its size differs from the meta
     */
    static PublishedSnapshot open(Path file, SnapshotMeta meta, long sequence) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            if (ch.size() != meta.size()) {
                ch.close();
                throw new IOException(file + " holds " + ch.size() + " bytes but its meta says " + meta.size());
            }
            return new PublishedSnapshot(meta, sequence, ch);
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
                channel.close();
            } catch (IOException e) {
                // nothing left to do with a read-only channel
            }
        }
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
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= meta.size()) {
                    return -1;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, meta.size() - position)), position);
                if (n > 0) {
                    position += n;
                }
                return n;
            }
        };
    }
}
