package dev.dbsync.core.internal.wire;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.RejectReason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every hex example of docs/protocol.md is what the codec writes, and reads back to the same values. */
class WireExamplesTest {
    private static final String H = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String H41 = "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9";
    private static final SnapshotMeta META = new SnapshotMeta(42, H, 8192, 1767225600L, false);

    private static Map<String, byte[]> examples() throws Exception {
        Path doc = Path.of("..", "docs", "protocol.md");
        String text = Files.readString(doc);
        Matcher m = Pattern.compile("```hex ([a-z0-9-]+)\\n(.*?)```", Pattern.DOTALL).matcher(text);
        Map<String, byte[]> out = new HashMap<>();
        while (m.find()) {
            out.put(m.group(1), HexFormat.of().parseHex(m.group(2).replaceAll("\\s", "")));
        }
        return out;
    }

    private static byte[] frame(String tag, byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        V2Frame.write(out, tag, body);
        return out.toByteArray();
    }

    private static byte[] body(byte[] frame, String tag, int max) throws Exception {
        return V2Frame.read(new ByteArrayInputStream(frame), tag, max, 0);
    }

    @Test
    void theDocumentHasEveryExample() throws Exception {
        assertThat(examples()).containsOnlyKeys("v1-header", "v2-offer", "v2-answer-send", "v2-answer-skip",
                "v2-answer-reject", "v2-ack-ok", "v2-ack-error");
    }

    @Test
    void v1HeaderExampleMatchesTheCodec() throws Exception {
        byte[] ex = examples().get("v1-header");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        V1Frame.writeHeader(out, META);
        assertThat(out.toByteArray()).isEqualTo(ex);
        assertThat(V1Frame.readHeader(new ByteArrayInputStream(ex), Long.MAX_VALUE)).isEqualTo(META);
    }

    @Test
    void v2OfferExampleMatchesTheCodec() throws Exception {
        byte[] ex = examples().get("v2-offer");
        Offer offer = new Offer(META, List.of("gzip", "identity"), Offer.FULL);
        assertThat(frame(V2Frame.OFFER, V2Json.encodeOffer(offer))).isEqualTo(ex);
        assertThat(V2Json.decodeOffer(body(ex, V2Frame.OFFER, V2Frame.MAX_OFFER_LENGTH), 8)).isEqualTo(offer);
    }

    @Test
    void v2AnswerExamplesMatchTheCodec() throws Exception {
        Map<String, byte[]> ex = examples();
        Map<String, Answer> answers = Map.of(
                "v2-answer-send", Answer.send(Encoding.GZIP, 41, H41),
                "v2-answer-skip", Answer.skip(42, H),
                "v2-answer-reject", Answer.reject(RejectReason.STALE_VERSION,
                        "version 42 is not newer than the served 42", 42, H));
        for (Map.Entry<String, Answer> e : answers.entrySet()) {
            assertThat(frame(V2Frame.ANSWER, V2Json.encodeAnswer(e.getValue()))).as(e.getKey()).isEqualTo(ex.get(e.getKey()));
            assertThat(V2Json.decodeAnswer(body(ex.get(e.getKey()), V2Frame.ANSWER, V2Frame.MAX_REPLY_LENGTH), 8))
                    .as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void v2AckExamplesMatchTheCodec() throws Exception {
        Map<String, byte[]> ex = examples();
        Map<String, Ack> acks = Map.of(
                "v2-ack-ok", new Ack(true, 42, H, Optional.empty(), ""),
                "v2-ack-error", new Ack(false, 41, H41, Optional.of(RejectReason.HASH_MISMATCH), "SHA-256 mismatch"));
        for (Map.Entry<String, Ack> e : acks.entrySet()) {
            assertThat(frame(V2Frame.ACK, V2Json.encodeAck(e.getValue()))).as(e.getKey()).isEqualTo(ex.get(e.getKey()));
            assertThat(V2Json.decodeAck(body(ex.get(e.getKey()), V2Frame.ACK, V2Frame.MAX_REPLY_LENGTH), 8))
                    .as(e.getKey()).isEqualTo(e.getValue());
        }
    }
}
