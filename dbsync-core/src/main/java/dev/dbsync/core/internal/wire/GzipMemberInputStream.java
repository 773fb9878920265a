package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes exactly one gzip member (RFC 1952) from a stream with a bounded buffer, verifies its
 * CRC-32 and length trailer, and leaves the source positioned right after the member, so the
 * caller can tell trailing data apart (unlike {@link java.util.zip.GZIPInputStream}, which
 * reads ahead and silently ignores some trailing garbage).
 */
final class GzipMemberInputStream extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int MAX_HEADER_FIELD = 64 * 1024;

    private final CountingInputStream src;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] inBuf = new byte[64 * 1024];
    private final byte[] one = new byte[1];
    private long produced;
    private boolean headerRead;
    private boolean done;
    private int pushbackOffset;
    private int pushbackLength;

    GzipMemberInputStream(CountingInputStream src) {
        this.src = src;
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
        if (!headerRead) {
            readHeader();
            headerRead = true;
        }
        if (done) {
            return -1;
        }
        try {
            while (true) {
                int n = inflater.inflate(b, off, len);
                if (n > 0) {
                    crc.update(b, off, n);
                    produced += n;
                    return n;
                }
                if (inflater.finished()) {
                    finishMember();
                    return -1;
                }
                if (inflater.needsDictionary()) {
                    throw new ProtocolException(src.count(), "corrupt gzip payload: preset dictionary requested");
                }
                if (inflater.needsInput()) {
                    int r = src.read(inBuf, 0, inBuf.length);
                    if (r < 0) {
                        throw new ProtocolException(src.count(), "truncated gzip payload: stream ended inside the compressed data");
                    }
                    inflater.setInput(inBuf, 0, r);
                    pushbackOffset = 0;
                    pushbackLength = r;
                }
            }
        } catch (DataFormatException e) {
            throw new ProtocolException(src.count(), "corrupt gzip payload: " + e.getMessage(), e);
        }
    }

    private int nextHeaderByte() throws IOException {
        int b = src.read();
        if (b < 0) {
            throw new ProtocolException(src.count(), "truncated gzip payload: stream ended inside the gzip header");
        }
        return b;
    }

    private void readHeader() throws IOException {
        long start = src.count();
        int id1 = nextHeaderByte();
        int id2 = nextHeaderByte();
        if (id1 != 0x1f || id2 != 0x8b) {
            throw new ProtocolException(start, "payload is marked compressed but is not gzip (bad magic)");
        }
        if (nextHeaderByte() != 8) {
            throw new ProtocolException(start + 2, "gzip payload uses an unknown compression method");
        }
        int flags = nextHeaderByte();
        if ((flags & 0xE0) != 0) {
            throw new ProtocolException(start + 3, "gzip header has reserved flags set");
        }
        for (int i = 0; i < 6; i++) {
            nextHeaderByte(); // MTIME, XFL, OS
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = nextHeaderByte() | (nextHeaderByte() << 8);
            for (int i = 0; i < xlen; i++) {
                nextHeaderByte();
            }
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated("file name");
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated("comment");
        }
        if ((flags & FHCRC) != 0) {
            nextHeaderByte();
            nextHeaderByte();
        }
    }

    private void skipZeroTerminated(String what) throws IOException {
        for (int i = 0; i < MAX_HEADER_FIELD; i++) {
            if (nextHeaderByte() == 0) {
                return;
            }
        }
        throw new ProtocolException(src.count(), "gzip header " + what + " is longer than " + MAX_HEADER_FIELD + " bytes");
    }

    /** Reads the 8-byte trailer from what the inflater left over, then from the source. */
    private void finishMember() throws IOException {
        int remaining = inflater.getRemaining();
        int pos = pushbackOffset + pushbackLength - remaining;
        byte[] trailer = new byte[8];
        int have = Math.min(remaining, 8);
        System.arraycopy(inBuf, pos, trailer, 0, have);
        if (remaining > 8) {
            throw new ProtocolException(src.count() - remaining + 8, "trailing data after the gzip payload");
        }
        while (have < 8) {
            int b = src.read();
            if (b < 0) {
                throw new ProtocolException(src.count(), "truncated gzip payload: stream ended inside the gzip trailer");
            }
            trailer[have++] = (byte) b;
        }
        long expectedCrc = (trailer[0] & 0xFFL) | (trailer[1] & 0xFFL) << 8 | (trailer[2] & 0xFFL) << 16
                | (trailer[3] & 0xFFL) << 24;
        long expectedLength = (trailer[4] & 0xFFL) | (trailer[5] & 0xFFL) << 8 | (trailer[6] & 0xFFL) << 16
                | (trailer[7] & 0xFFL) << 24;
        if (expectedCrc != crc.getValue()) {
            throw new ProtocolException(src.count(), "corrupt gzip payload: CRC-32 mismatch");
        }
        if (expectedLength != (produced & 0xFFFFFFFFL)) {
            throw new ProtocolException(src.count(), "corrupt gzip payload: length trailer mismatch");
        }
        done = true;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
