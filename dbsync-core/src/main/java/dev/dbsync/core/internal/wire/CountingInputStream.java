package dev.dbsync.core.internal.wire;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read through it, so protocol errors can name their offset.
 */
public final class CountingInputStream extends FilterInputStream {
    private long count;

    /**
     * @param in the stream to count
     * @param start the count before the first byte (a stream offset)
     */
    public CountingInputStream(InputStream in, long start) {
        super(in);
        this.count = start;
    }

    /** @return the start plus the bytes read (or skipped) so far */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skip is not used on protocol streams");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
