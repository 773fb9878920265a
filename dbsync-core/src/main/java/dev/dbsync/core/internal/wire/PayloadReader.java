package dev.dbsync.core.internal.wire;

import dev.dbsync.api.IntegrityException;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads a snapshot payload: decompresses it when the meta says so, yields exactly
 * {@code meta.size()} bytes, and computes their SHA-256 as they stream by, with a bounded
 * buffer whatever the declared lengths.
 *
 * <p>{@code read} returns -1 only once exactly {@code size} bytes were produced <em>and</em>
 * the source has ended with no trailing data. Short, long or corrupt payloads end in a
 * {@link ProtocolException}. After EOF, {@link #verify()} compares the hash with the meta.
 * Not thread-safe.
 */
public final class PayloadReader extends InputStream {
    private final SnapshotMeta meta;
    private final CountingInputStream source;
    private final InputStream decoded;
    private final MessageDigest sha256;
    private final byte[] one = new byte[1];
    private long produced;
    private boolean ended;

    /**
     * @param in the stream, positioned at the first payload byte
     * @param meta the meta read from the header
     * @param payloadOffset the stream offset of the first payload byte, for error messages
     */
    public PayloadReader(InputStream in, SnapshotMeta meta, long payloadOffset) {
        this.meta = meta;
        this.source = new CountingInputStream(in, payloadOffset);
        this.decoded = meta.compressed() ? new GzipMemberInputStream(source) : source;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        long left = meta.size() - produced;
        if (left == 0) {
            checkEnd();
            ended = true;
            return -1;
        }
        int n = decoded.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new PayloadSizeException(source.count(), "payload truncated: declared " + meta.size()
                    + " bytes, got " + produced);
        }
        sha256.update(b, off, n);
        produced += n;
        return n;
    }

    private void checkEnd() throws IOException {
        if (decoded.read() >= 0) {
            throw new PayloadSizeException(source.count(), "payload is longer than its declared size of "
                    + meta.size() + " bytes");
        }
        if (meta.compressed() && source.read() >= 0) {
            throw new ProtocolException(source.count(), "trailing data after the gzip payload");
        }
    }

    /** @return bytes of (uncompressed) payload produced so far */
    public long produced() {
        return produced;
    }

    /** @return bytes read from the underlying stream, counted from the stream's start */
    public long sourceOffset() {
        return source.count();
    }

    /**
     * Reads and discards the rest of the payload, then checks the hash.
     *
     * @return the lowercase hex SHA-256 of the payload
     * @throws ProtocolException if the payload is malformed
     * @throws IntegrityException if its SHA-256 differs from the meta's
     * @throws IOException if the stream fails
     */
    public String drainAndVerify() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
            // drain
        }
        return verify();
    }

    /**
     * Checks the hash of a fully read payload.
     *
     * @return the lowercase hex SHA-256 of the payload
     * @throws IllegalStateException if the payload has not been read to EOF
     * @throws IntegrityException if its SHA-256 differs from the meta's
     */
    public String verify() {
        if (!ended) {
            throw new IllegalStateException("payload not read to the end");
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(meta.hash())) {
            throw new IntegrityException("SHA-256", meta.hash(), actual);
        }
        return actual;
    }

    @Override
    public void close() throws IOException {
        decoded.close();
    }
}
