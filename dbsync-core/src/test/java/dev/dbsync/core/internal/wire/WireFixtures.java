package dev.dbsync.core.internal.wire;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.SnapshotMeta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Builds and decodes v1 streams for the codec tests. */
final class WireFixtures {
    private WireFixtures() {
    }

    /** A payload of the given size from a seed; {@code compressible} repeats short runs. */
    static byte[] payload(long seed, int size, boolean compressible) {
        byte[] data = new byte[size];
        Random r = new Random(seed);
        if (!compressible) {
            r.nextBytes(data);
            return data;
        }
        for (int i = 0; i < size; ) {
            int run = 1 + r.nextInt(64);
            byte b = (byte) r.nextInt(8);
            for (int j = 0; j < run && i < size; j++) {
                data[i++] = b;
            }
        }
        return data;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static SnapshotMeta metaFor(byte[] payload, long version, long timestamp, boolean compressed) {
        return new SnapshotMeta(version, sha256(payload), payload.length, timestamp, compressed);
    }

    static byte[] encode(SnapshotMeta meta, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 256);
        try {
            V1Frame.writeHeader(out, meta);
            PayloadWriter.write(new ByteArrayInputStream(payload), out, meta.compressed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** What a receiver got out of a stream. */
    record Decoded(SnapshotMeta meta, byte[] payload, String hash) {
    }

    /** Decodes a whole stream the way a receiver does, verifying the hash. */
    static Decoded decode(byte[] stream) throws IOException {
        return decode(new ByteArrayInputStream(stream), Dbsync.DEFAULT_MAX_SNAPSHOT_SIZE);
    }

    static Decoded decode(InputStream in, long maxSize) throws IOException {
        SnapshotMeta meta = V1Frame.readHeader(in, maxSize);
        try (PayloadReader reader = new PayloadReader(in, meta, V1Frame.headerLength(meta))) {
            ByteArrayOutputStream got = new ByteArrayOutputStream((int) Math.min(meta.size(), 1 << 20));
            reader.transferTo(got);
            String hash = reader.verify();
            return new Decoded(meta, got.toByteArray(), hash);
        }
    }
}
