package dev.dbsync.core.internal.wire;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.ProtocolException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A protocol v2 frame: a 4-byte ASCII tag, a u32 big-endian body length, and a UTF-8 JSON
 * body of that length (see {@code docs/protocol.md}). Reads are bounded by the limit of each
 * frame type.
 */
public final class V2Frame {
    /** Tag of the publisher's offer, ASCII {@code SYN2}. */
    public static final String OFFER = "SYN2";
    /** Tag of the subscriber's answer, ASCII {@code ANS2}. */
    public static final String ANSWER = "ANS2";
    /** Tag of the subscriber's final acknowledgement, ASCII {@code ACK2}. */
    public static final String ACK = "ACK2";
    /** Largest offer body, 1 MiB (as the v1 meta). */
    public static final int MAX_OFFER_LENGTH = Dbsync.MAX_META_LENGTH;
    /** Largest answer or acknowledgement body, 64 KiB. */
    public static final int MAX_REPLY_LENGTH = 64 * 1024;
    /** Length of tag plus body length. */
    public static final int PREFIX_LENGTH = 8;

    private V2Frame() {
    }

    /**
     * Writes one frame and flushes.
     *
     * @param out the stream
     * @param tag one of {@link #OFFER}, {@link #ANSWER}, {@link #ACK}
     * @param body the JSON body
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, String tag, byte[] body) throws IOException {
        byte[] frame = new byte[PREFIX_LENGTH + body.length];
        System.arraycopy(tag.getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 4);
        frame[4] = (byte) (body.length >>> 24);
        frame[5] = (byte) (body.length >>> 16);
        frame[6] = (byte) (body.length >>> 8);
        frame[7] = (byte) body.length;
        System.arraycopy(body, 0, frame, PREFIX_LENGTH, body.length);
        out.write(frame);
        out.flush();
    }

    /**
     * Reads one frame of the expected type.
     *
     * @param in the stream, positioned at the frame
     * @param tag the expected tag
     * @param maxLength the largest body accepted
     * @param offset the stream offset of the frame, for error messages
     * @return the body
     * @throws ProtocolException on an unexpected tag, a body length of 0 or over the limit, or a
     *     stream that ends inside the frame
     * @throws IOException if the stream fails
     */
    public static byte[] read(InputStream in, String tag, int maxLength, long offset) throws IOException {
        byte[] prefix = in.readNBytes(PREFIX_LENGTH);
        if (prefix.length == 0) {
            throw new ProtocolException(offset, "stream ended where a " + tag + " frame was expected");
        }
        byte[] expected = tag.getBytes(StandardCharsets.US_ASCII);
        int check = Math.min(4, prefix.length);
        for (int i = 0; i < check; i++) {
            if (prefix[i] != expected[i]) {
                throw new ProtocolException(offset, "expected a " + tag + " frame (" + HexFormat.of().formatHex(expected)
                        + "), got " + HexFormat.of().formatHex(prefix, 0, check));
            }
        }
        if (prefix.length < PREFIX_LENGTH) {
            throw new ProtocolException(offset + prefix.length, "truncated " + tag + " frame header");
        }
        long length = ((prefix[4] & 0xFFL) << 24) | ((prefix[5] & 0xFF) << 16) | ((prefix[6] & 0xFF) << 8)
                | (prefix[7] & 0xFF);
        if (length == 0) {
            throw new ProtocolException(offset + 4, tag + " frame body length is 0");
        }
        if (length > maxLength) {
            throw new ProtocolException(offset + 4, tag + " frame body length " + length
                    + " exceeds the limit of " + maxLength + " bytes");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new ProtocolException(offset + PREFIX_LENGTH + body.length, "truncated " + tag
                    + " frame: declared " + length + " bytes, stream ended after " + body.length);
        }
        return body;
    }
}
