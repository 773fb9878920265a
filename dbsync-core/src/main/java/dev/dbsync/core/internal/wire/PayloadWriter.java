package dev.dbsync.core.internal.wire;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a snapshot payload, raw or as one gzip member, streaming with a bounded buffer. It
 * never closes the destination: ending the stream is the caller's decision.
 */
public final class PayloadWriter {
    private static final int BUFFER = 64 * 1024;

    private PayloadWriter() {
    }

    /**
     * Copies {@code source} to {@code out}, gzip-compressed when asked.
     *
     * @param source the uncompressed snapshot bytes
     * @param out the destination, left open
     * @param gzip whether to compress
     * @return the number of bytes read from {@code source}
     * @throws IOException if reading or writing fails
     */
    public static long write(InputStream source, OutputStream out, boolean gzip) throws IOException {
        if (!gzip) {
            return source.transferTo(out);
        }
        try (GZIPOutputStream z = new GZIPOutputStream(keepOpen(out), BUFFER) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            return source.transferTo(z);
        }
    }

    /**
     * @param out a stream
     * @return a view of it whose {@code close} only flushes (the caller ends the stream)
     */
    static OutputStream keepOpen(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }
}
