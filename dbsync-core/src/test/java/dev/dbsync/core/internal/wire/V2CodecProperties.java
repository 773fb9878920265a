package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayInputStream;

/** Whatever bytes arrive, the v2 readers fail only with a ProtocolException. */
class V2CodecProperties {

    @Property(tries = 300)
    void arbitraryFramesFailOnlyWithProtocolExceptions(@ForAll @Size(max = 300) byte[] bytes) throws Exception {
        for (String tag : new String[] {V2Frame.OFFER, V2Frame.ANSWER, V2Frame.ACK}) {
            try {
                byte[] body = V2Frame.read(new ByteArrayInputStream(bytes), tag, 256, 0);
                switch (tag) {
                    case V2Frame.OFFER -> V2Json.decodeOffer(body, 8);
                    case V2Frame.ANSWER -> V2Json.decodeAnswer(body, 8);
                    default -> V2Json.decodeAck(body, 8);
                }
            } catch (ProtocolException expected) {
                // the only failure allowed
            }
        }
    }

    @Property(tries = 300)
    void arbitraryJsonBodiesFailOnlyWithProtocolExceptions(@ForAll @Size(max = 200) String json) {
        byte[] b = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            try {
                switch (i) {
                    case 0 -> V2Json.decodeOffer(b, 8);
                    case 1 -> V2Json.decodeAnswer(b, 8);
                    default -> V2Json.decodeAck(b, 8);
                }
            } catch (ProtocolException expected) {
                // the only failure allowed
            }
        }
    }
}
