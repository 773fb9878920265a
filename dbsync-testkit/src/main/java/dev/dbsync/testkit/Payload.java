package dev.dbsync.testkit;

import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.TransportStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Reproducible pseudo-random payloads for transport tests and benchmarks, checked by SHA-256:
 * the dialer sends {@link #write} bytes and half-closes, the listener answers their digest.
 */
public final class Payload {
    private Payload() {
    }

    /**
     * Listener side: reads to end-of-stream, answers "sha256hex size".
     *
     * @param stream the accepted stream
     * @throws IOException if reading or answering fails
     */
    public static void answerDigest(InboundStream stream) throws IOException {
        answerDigest(stream.input(), stream.output(), n -> { });
    }

    /**
     * Reads {@code in} to its end, then writes "sha256hex size" to {@code out} and closes it.
     *
     * @param in what the peer sent (possibly through a decoding stream)
     * @param out where to answer
     * @param progress told the number of bytes of every read
     * @throws IOException if reading or answering fails
     */
    public static void answerDigest(InputStream in, OutputStream out, LongConsumer progress) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            count += n;
            progress.accept(n);
        }
        try (out) {
            out.write((HexFormat.of().formatHex(md.digest()) + " " + count).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Dialer side: sends {@code size} bytes, half-closes, returns the listener's answer.
     *
     * @param stream the opened stream
     * @param size bytes to send
     * @param seed the payload's seed
     * @return the listener's answer, "sha256hex size"
     * @throws IOException if sending or reading fails
     */
    public static String sendAndReadAnswer(TransportStream stream, long size, long seed) throws IOException {
        try (OutputStream out = stream.output()) {
            write(out, size, seed);
        }
        return new String(stream.input().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }

    /**
     * @param size payload bytes
     * @param seed the payload's seed
     * @return the answer a listener gives for that payload
     * @throws IOException never in practice (the sink is in memory)
     */
    public static String expected(long size, long seed) throws IOException {
        MessageDigest md = sha256();
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
            write(sink, size, seed);
        }
        return HexFormat.of().formatHex(md.digest()) + " " + size;
    }

    /**
     * Writes {@code size} pseudo-random bytes, the same for the same seed.
     *
     * @param out where to write
     * @param size bytes to write
     * @param seed the payload's seed
     * @throws IOException if {@code out} fails
     */
    public static void write(OutputStream out, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            for (int i = 0; i < n; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buf[i + j] = (byte) (r >>> (8 * j));
                }
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
