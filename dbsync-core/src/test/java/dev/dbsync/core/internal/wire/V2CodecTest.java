package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Violations of the v2 framing and bodies are protocol errors, found with bounded reads. */
class V2CodecTest {
    private static final String H = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static byte[] raw(String tag, long length, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[8 + b.length];
        System.arraycopy(tag.getBytes(StandardCharsets.US_ASCII), 0, out, 0, 4);
        out[4] = (byte) (length >>> 24);
        out[5] = (byte) (length >>> 16);
        out[6] = (byte) (length >>> 8);
        out[7] = (byte) length;
        System.arraycopy(b, 0, out, 8, b.length);
        return out;
    }

    private static byte[] read(byte[] bytes, String tag, int max) throws Exception {
        return V2Frame.read(new ByteArrayInputStream(bytes), tag, max, 0);
    }

    @Test
    void rejectsAnUnexpectedTagAnEmptyOrOversizeBodyAndTruncation() {
        assertThatThrownBy(() -> read(raw("SYN1", 2, "{}"), V2Frame.OFFER, 100)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("expected a SYN2 frame");
        assertThatThrownBy(() -> read(raw("ANS2", 0, ""), V2Frame.ANSWER, 100)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("length is 0");
        assertThatThrownBy(() -> read(raw("ACK2", 0xFFFFFFFFL, ""), V2Frame.ACK, V2Frame.MAX_REPLY_LENGTH))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> read(raw("ACK2", 10, "{}"), V2Frame.ACK, 100)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> read(new byte[0], V2Frame.ACK, 100)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("stream ended");
        assertThatThrownBy(() -> read(new byte[] {'A', 'C', 'K', '2', 0}, V2Frame.ACK, 100))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }

    @Test
    void rejectsMalformedBodies() {
        String meta = "\"version\":1,\"hash\":\"" + H + "\",\"size\":1,\"timestamp\":2";
        assertThatThrownBy(() -> V2Json.decodeOffer(("{" + meta + "}").getBytes(StandardCharsets.UTF_8), 8))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("encodings");
        assertThatThrownBy(() -> V2Json.decodeOffer(("{" + meta + ",\"encodings\":[]}").getBytes(StandardCharsets.UTF_8), 8))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("1 to 16");
        assertThatThrownBy(() -> V2Json.decodeOffer(("{" + meta + ",\"encodings\":[\"gzip\"],\"payload\":7}")
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> V2Json.decodeAnswer("{\"action\":\"send\",\"encoding\":\"br\",\"served_version\":0,\"served_hash\":\"\"}"
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class).hasMessageContaining("unknown encoding");
        assertThatThrownBy(() -> V2Json.decodeAnswer("{\"action\":\"reject\",\"reason\":\"hash_mismatch\",\"served_version\":0,\"served_hash\":\"\"}"
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class).hasMessageContaining("reject reason");
        assertThatThrownBy(() -> V2Json.decodeAnswer("{\"action\":\"skip\",\"served_version\":0,\"served_hash\":\"xyz\"}"
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class).hasMessageContaining("hex");
        assertThatThrownBy(() -> V2Json.decodeAck("{\"ok\":true,\"version\":1,\"hash\":\"\",\"ok\":false}"
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> V2Json.decodeAck("{\"ok\":false,\"version\":1,\"hash\":\"\"}"
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class).hasMessageContaining("error");
        assertThatThrownBy(() -> V2Json.decodeAck("{\"ok\":true,\"version\":1,\"hash\":\"\"} x"
                .getBytes(StandardCharsets.UTF_8), 8)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void ignoresUnknownFieldsAndEncodings() {
        Offer o = V2Json.decodeOffer(("{\"version\":1,\"hash\":\"" + H + "\",\"size\":1,\"timestamp\":2,\"future\":{\"a\":[1]},"
                + "\"encodings\":[\"zstd\",\"identity\"]}").getBytes(StandardCharsets.UTF_8), 8);
        assertThat(o.encodings()).containsExactly("zstd", "identity");
        assertThat(o.payload()).isEqualTo(Offer.FULL);
        assertThat(V2Json.decodeAck("{\"ok\":true,\"version\":3,\"hash\":\"\",\"extra\":null}"
                .getBytes(StandardCharsets.UTF_8), 8).version()).isEqualTo(3);
    }
}
