package dev.dbsync.core.internal.wire;

import dev.dbsync.api.IntegrityException;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static dev.dbsync.core.internal.wire.WireFixtures.decode;
import static dev.dbsync.core.internal.wire.WireFixtures.encode;
import static dev.dbsync.core.internal.wire.WireFixtures.metaFor;
import static dev.dbsync.core.internal.wire.WireFixtures.payload;
import static dev.dbsync.core.internal.wire.WireFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class V1CodecTest {
    private static final String HASH = "a".repeat(64);

    private static byte[] header(String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[8 + j.length];
        System.arraycopy("SYN1".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 4);
        out[4] = (byte) (j.length >>> 24);
        out[5] = (byte) (j.length >>> 16);
        out[6] = (byte) (j.length >>> 8);
        out[7] = (byte) j.length;
        System.arraycopy(j, 0, out, 8, j.length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void assertProtocolError(byte[] stream, String messagePart) {
        assertThatThrownBy(() -> decode(stream)).isInstanceOf(ProtocolException.class).hasMessageContaining(messagePart);
    }

    @Test
    void encodesMetaExactlyAsTheGoEncoder() {
        SnapshotMeta meta = new SnapshotMeta(42, HASH, 4096, 1_700_000_000L, true);
        // encoding/json of the Go struct, fields in declaration order, no spaces
        assertThat(new String(MetaJson.encode(meta), StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":42,\"hash\":\"" + HASH + "\",\"size\":4096,\"timestamp\":1700000000,\"compressed\":true}");
    }

    @Test
    void decodesAStreamWrittenByTheGoPublisher() throws IOException {
        byte[] data = "hello front office".getBytes(StandardCharsets.UTF_8);
        String json = "{\"version\":7,\"hash\":\"" + sha256(data) + "\",\"size\":" + data.length
                + ",\"timestamp\":1700000001,\"compressed\":false}";
        WireFixtures.Decoded d = decode(concat(header(json), data));
        assertThat(d.meta()).isEqualTo(new SnapshotMeta(7, sha256(data), data.length, 1_700_000_001L, false));
        assertThat(d.payload()).isEqualTo(data);
    }

    @Test
    void roundTripsEmptyRawAndGzipPayloads() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            for (int size : new int[] {0, 1, 65_535, 65_536, 200_000}) {
                byte[] data = payload(size, size, true);
                SnapshotMeta meta = metaFor(data, 1, 2, gz);
                WireFixtures.Decoded d = decode(encode(meta, data));
                assertThat(d.meta()).isEqualTo(meta);
                assertThat(d.payload()).isEqualTo(data);
            }
        }
    }

    @Test
    void toleratesUnknownFieldsAndDefaultsCompressedToFalse() throws IOException {
        byte[] data = {1, 2, 3};
        String json = "{\"extra\":{\"nested\":[1,2,{\"x\":null}]},\"version\":1,\"hash\":\"" + sha256(data)
                + "\",\"size\":3,\"timestamp\":5,\"future\":\"v3\"}";
        assertThat(decode(concat(header(json), data)).meta().compressed()).isFalse();
    }

    @Test
    void rejectsBadMagic() {
        assertProtocolError("SYN2\0\0\0\2{}".getBytes(StandardCharsets.US_ASCII), "bad magic");
    }

    @Test
    void rejectsTruncatedHeaders() {
        assertProtocolError(new byte[0], "truncated header");
        assertProtocolError("SY".getBytes(StandardCharsets.US_ASCII), "truncated header");
        assertProtocolError("SYN1\0\0".getBytes(StandardCharsets.US_ASCII), "truncated header");
    }

    @Test
    void rejectsZeroAndOversizeMetaLengths() {
        assertProtocolError("SYN1\0\0\0\0".getBytes(StandardCharsets.US_ASCII), "meta length is 0");
        byte[] huge = {'S', 'Y', 'N', '1', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertProtocolError(huge, "exceeds the limit");
        byte[] justOver = {'S', 'Y', 'N', '1', 0, 0x10, 0, 1};
        assertProtocolError(justOver, "exceeds the limit");
    }

    @Test
    void rejectsMetaLongerThanTheStream() {
        byte[] h = header("{\"version\":1}");
        assertProtocolError(Arrays.copyOf(h, h.length - 3), "truncated meta");
    }

    @Test
    void rejectsInvalidOrIncompleteJson() {
        assertProtocolError(header("{\"version\":1,"), "not valid JSON");
        assertProtocolError(header("not json"), "not valid JSON");
        assertProtocolError(header("[1,2]"), "not a JSON object");
        assertProtocolError(header("{\"version\":1} x"), "not valid JSON");
        assertProtocolError(header("{\"version\":1,\"version\":2,\"hash\":\"" + HASH + "\",\"size\":0,\"timestamp\":0}"),
                "Duplicate field");
    }

    @Test
    void rejectsMissingOrMistypedFields() {
        assertProtocolError(header("{\"hash\":\"" + HASH + "\",\"size\":0,\"timestamp\":0}"), "'version'");
        assertProtocolError(header("{\"version\":1,\"size\":0,\"timestamp\":0}"), "'hash'");
        assertProtocolError(header("{\"version\":1,\"hash\":\"" + HASH + "\",\"timestamp\":0}"), "'size'");
        assertProtocolError(header("{\"version\":1,\"hash\":\"" + HASH + "\",\"size\":0}"), "'timestamp'");
        assertProtocolError(header("{\"version\":\"1\",\"hash\":\"" + HASH + "\",\"size\":0,\"timestamp\":0}"), "integer");
        assertProtocolError(header("{\"version\":1.5,\"hash\":\"" + HASH + "\",\"size\":0,\"timestamp\":0}"), "integer");
        assertProtocolError(header("{\"version\":99999999999999999999,\"hash\":\"" + HASH + "\",\"size\":0,\"timestamp\":0}"),
                "64-bit");
        assertProtocolError(header("{\"version\":1,\"hash\":\"xyz\",\"size\":0,\"timestamp\":0}"), "hash");
        assertProtocolError(header("{\"version\":1,\"hash\":\"" + HASH + "\",\"size\":0,\"timestamp\":0,\"compressed\":1}"),
                "boolean");
    }

    @Test
    void rejectsNegativeAndOversizeDeclaredSizes() {
        assertProtocolError(header("{\"version\":1,\"hash\":\"" + HASH + "\",\"size\":-1,\"timestamp\":0}"), "negative");
        byte[] tooBig = header("{\"version\":1,\"hash\":\"" + HASH + "\",\"size\":1001,\"timestamp\":0}");
        assertThatThrownBy(() -> decode(new ByteArrayInputStream(tooBig), 1000))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("exceeds the maximum snapshot size 1000");
    }

    @Test
    void rejectsShortAndLongRawPayloads() {
        byte[] data = payload(1, 1000, false);
        byte[] stream = encode(metaFor(data, 1, 1, false), data);
        assertProtocolError(Arrays.copyOf(stream, stream.length - 1), "payload truncated");
        assertProtocolError(concat(stream, new byte[] {0}), "longer than its declared size");
    }

    @Test
    void rejectsAHashLie() {
        byte[] data = payload(2, 1000, false);
        SnapshotMeta lie = new SnapshotMeta(1, HASH, data.length, 1, false);
        assertThatThrownBy(() -> decode(encode(lie, data))).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("SHA-256 mismatch");
    }

    @Test
    void stopsAGzipBombAtTheDeclaredSize() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
        }
        assertThat(bomb.size()).isLessThan(100_000);
        byte[] declared = new byte[1000];
        byte[] stream = concat(header("{\"version\":1,\"hash\":\"" + sha256(declared)
                + "\",\"size\":1000,\"timestamp\":0,\"compressed\":true}"), bomb.toByteArray());
        assertProtocolError(stream, "longer than its declared size");
    }

    @Test
    void rejectsCorruptTruncatedOrTrailingGzip() {
        byte[] data = payload(3, 50_000, true);
        byte[] stream = encode(metaFor(data, 1, 1, true), data);
        int headerLength = (int) V1Frame.headerLength(metaFor(data, 1, 1, true));
        byte[] notGzip = stream.clone();
        notGzip[headerLength] = 0x00;
        assertProtocolError(notGzip, "not gzip");
        assertProtocolError(Arrays.copyOf(stream, stream.length - 4), "truncated gzip payload");
        assertProtocolError(Arrays.copyOf(stream, headerLength + 40), "truncated gzip payload");
        assertProtocolError(concat(stream, new byte[] {1, 2, 3}), "trailing data");
        byte[] badCrc = stream.clone();
        badCrc[stream.length - 6] ^= 0x5A;
        assertProtocolError(badCrc, "CRC-32 mismatch");
    }

    @Test
    void rejectsAGzipPayloadShorterThanDeclared() throws IOException {
        byte[] data = payload(4, 1000, true);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(data, 0, 900);
        }
        byte[] stream = concat(header("{\"version\":1,\"hash\":\"" + sha256(data)
                + "\",\"size\":1000,\"timestamp\":0,\"compressed\":true}"), gz.toByteArray());
        assertProtocolError(stream, "payload truncated");
    }

    @Test
    void reportsTheOffsetOfAViolation() {
        ProtocolException e = org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                () -> decode("SYN1\0\0\0\0".getBytes(StandardCharsets.US_ASCII)));
        assertThat(e.offset()).isEqualTo(4);
    }
}
