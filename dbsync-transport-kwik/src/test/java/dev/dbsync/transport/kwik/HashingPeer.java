package dev.dbsync.transport.kwik;

import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.TransportStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Test peer logic: streams pseudo-random bytes out and hashes what comes in, never holding it all. */
public final class HashingPeer {
    private HashingPeer() {
    }

    /** Listener handler: reads to EOF, answers "<bytes> <sha256hex> <alpn>\n". */
    public static void answerWithHash(InboundStream stream) throws IOException {
        MessageDigest md = sha256();
        long n = 0;
        byte[] buf = new byte[64 * 1024];
        InputStream in = stream.input();
        for (int r; (r = in.read(buf)) >= 0; ) {
            md.update(buf, 0, r);
            n += r;
        }
        String reply = n + " " + HexFormat.of().formatHex(md.digest()) + " " + stream.negotiatedAlpn() + "\n";
        stream.output().write(reply.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Sends {@code size} pseudo-random bytes, half-closes, reads the reply.
     *
     * @return {expected "<bytes> <sha256hex>", reply}
     */
    public static String[] sendAndReadReply(TransportStream stream, long size, long seed) throws IOException {
        MessageDigest md = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[64 * 1024];
        OutputStream out = stream.output();
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buf[i + j] = (byte) (v >>> (8 * j));
                }
            }
            md.update(buf, 0, n);
            out.write(buf, 0, n);
            left -= n;
        }
        out.close();
        String reply = new String(stream.input().readAllBytes(), StandardCharsets.US_ASCII).strip();
        return new String[] {size + " " + HexFormat.of().formatHex(md.digest()), reply};
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
