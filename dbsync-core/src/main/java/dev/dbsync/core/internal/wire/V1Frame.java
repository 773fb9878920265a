package dev.dbsync.core.internal.wire;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The v1 snapshot stream header: {@code "SYN1"} | u32 big-endian meta length | meta JSON. The
 * payload follows (see {@link PayloadReader} and {@link PayloadWriter}).
 */
public final class V1Frame {
    /** The magic bytes, ASCII {@code SYN1}. */
    public static final byte[] MAGIC = Dbsync.MAGIC.getBytes(StandardCharsets.US_ASCII);
    /** Length of magic plus meta length. */
    public static final int PREFIX_LENGTH = 8;

    private V1Frame() {
    }

    /**
     * Writes the header for {@code meta}.
     *
     * @param out the stream
     * @param meta the meta
     * @throws IOException if writing fails
     */
    public static void writeHeader(OutputStream out, SnapshotMeta meta) throws IOException {
        byte[] json = MetaJson.encode(meta);
        byte[] prefix = new byte[PREFIX_LENGTH];
        System.arraycopy(MAGIC, 0, prefix, 0, 4);
        prefix[4] = (byte) (json.length >>> 24);
        prefix[5] = (byte) (json.length >>> 16);
        prefix[6] = (byte) (json.length >>> 8);
        prefix[7] = (byte) json.length;
        out.write(prefix);
        out.write(json);
    }

    /**
     * Reads and checks a header.
     *
     * @param in the stream, positioned at its start
     * @param maxSnapshotSize the largest {@code size} accepted
     * @return the meta
     * @throws ProtocolException on bad magic, truncation, a meta length of 0 or over 1 MiB,
     *     invalid meta JSON, or a declared size over {@code maxSnapshotSize}
     * @throws IOException if the stream fails
     */
    public static SnapshotMeta readHeader(InputStream in, long maxSnapshotSize) throws IOException {
        byte[] prefix = in.readNBytes(PREFIX_LENGTH);
        if (prefix.length < 4) {
            throw new ProtocolException(prefix.length, "truncated header: stream ended after "
                    + prefix.length + " of 4 magic bytes");
        }
        for (int i = 0; i < 4; i++) {
            if (prefix[i] != MAGIC[i]) {
                throw new ProtocolException(0, "bad magic: expected 53594e31 ('SYN1'), got "
                        + HexFormat.of().formatHex(prefix, 0, 4));
            }
        }
        if (prefix.length < PREFIX_LENGTH) {
            throw new ProtocolException(prefix.length, "truncated header: stream ended inside the meta length");
        }
        long length = ((prefix[4] & 0xFFL) << 24) | ((prefix[5] & 0xFF) << 16) | ((prefix[6] & 0xFF) << 8)
                | (prefix[7] & 0xFF);
        if (length == 0) {
            throw new ProtocolException(4, "meta length is 0");
        }
        if (length > Dbsync.MAX_META_LENGTH) {
            throw new ProtocolException(4, "meta length " + length + " exceeds the limit of "
                    + Dbsync.MAX_META_LENGTH + " bytes");
        }
        byte[] json = in.readNBytes((int) length);
        if (json.length < length) {
            throw new ProtocolException(PREFIX_LENGTH + json.length, "truncated meta: declared "
                    + length + " bytes, stream ended after " + json.length);
        }
        SnapshotMeta meta = MetaJson.decode(json, PREFIX_LENGTH);
        if (meta.size() > maxSnapshotSize) {
            throw new ProtocolException(PREFIX_LENGTH, "declared size " + meta.size()
                    + " exceeds the maximum snapshot size " + maxSnapshotSize);
        }
        return meta;
    }

    /**
     * @param meta a meta
     * @return the length of the header written for it
     */
    public static long headerLength(SnapshotMeta meta) {
        return PREFIX_LENGTH + MetaJson.encode(meta).length;
    }
}
