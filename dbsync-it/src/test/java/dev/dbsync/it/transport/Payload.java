package dev.dbsync.it.transport;

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

/** Generates reproducible pseudo-random payloads and checks them by SHA-256. */
final class Payload {
    private Payload() {
    }

    /** Listener side: reads to end-of-stream, answers "sha256hex size". */
    static void answerDigest(InboundStream stream) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        InputStream in = stream.input();
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            count += n;
        }
        try (OutputStream out = stream.output()) {
            out.write((HexFormat.of().formatHex(md.digest()) + " " + count).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Dialer side: sends {@code size} bytes, half-closes, returns the listener's answer. */
    static String sendAndReadAnswer(TransportStream stream, long size, long seed) throws IOException {
        try (OutputStream out = stream.output()) {
            write(out, size, seed);
        }
        return new String(stream.input().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }

    static String expected(long size, long seed) throws IOException {
        MessageDigest md = sha256();
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
            write(sink, size, seed);
        }
        return HexFormat.of().formatHex(md.digest()) + " " + size;
    }

    static void write(OutputStream out, long size, long seed) throws IOException {
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
