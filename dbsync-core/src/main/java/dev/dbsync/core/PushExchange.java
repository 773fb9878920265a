package dev.dbsync.core;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TransportException;
import dev.dbsync.core.internal.wire.Ack;
import dev.dbsync.core.internal.wire.Answer;
import dev.dbsync.core.internal.wire.Encoding;
import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.PayloadWriter;
import dev.dbsync.core.internal.wire.V1Frame;
import dev.dbsync.core.internal.wire.V2Frame;
import dev.dbsync.core.internal.wire.V2Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The pushing side of one exchange on an open stream, by the negotiated protocol
 * ({@code docs/protocol.md}): v2 offer, answer, payload, acknowledgement; or v1 header and
 * payload, then waiting for the subscriber to end the stream. Shared by {@link SnapshotPusher}
 * and the publisher.
 */
final class PushExchange {
    /** Opens the snapshot's bytes; called at most once, only when the payload is to be sent. */
    @FunctionalInterface
    interface PayloadSource {
        InputStream open() throws IOException;
    }

    private PushExchange() {
    }

    /**
     * @param endpoint the subscriber, for messages
     * @param alpn the negotiated protocol id
     * @param meta the snapshot's meta (its {@code compressed} flag is ignored)
     * @param in what the subscriber sends
     * @param out what we send; closed (end of stream) by this exchange
     * @param payload the snapshot's bytes
     * @param gzip whether to offer (v2) or send (v1) gzip
     * @return what the subscriber did
     * @throws SnapshotRejectedException if the subscriber refused the snapshot (v2)
     * @throws IOException if the stream fails
     */
    static PushResult run(String endpoint, String alpn, SnapshotMeta meta, InputStream in, OutputStream out,
                          PayloadSource payload, boolean gzip) throws IOException {
        if (Dbsync.ALPN_V2.equals(alpn)) {
            return v2(endpoint, meta, in, out, payload, gzip);
        }
        if (Dbsync.ALPN_V1.equals(alpn)) {
            return v1(meta, in, out, payload, gzip);
        }
        throw new TransportException(endpoint, "unexpected ALPN id " + alpn);
    }

    private static PushResult v2(String endpoint, SnapshotMeta meta, InputStream in, OutputStream out,
                                 PayloadSource payload, boolean gzip) throws IOException {
        List<String> encodings = gzip ? List.of(Encoding.GZIP.wire(), Encoding.IDENTITY.wire())
                : List.of(Encoding.IDENTITY.wire());
        V2Frame.write(out, V2Frame.OFFER, V2Json.encodeOffer(new Offer(meta.withCompressed(false), encodings, Offer.FULL)));
        out.flush();
        Answer a = V2Json.decodeAnswer(V2Frame.read(in, V2Frame.ANSWER, V2Frame.MAX_REPLY_LENGTH, 0),
                V2Frame.PREFIX_LENGTH);
        switch (a.action()) {
            case SKIP:
                out.close();
                return new PushResult(Dbsync.ALPN_V2, PushResult.Outcome.SKIPPED, a.servedVersion(), a.servedHash());
            case REJECT:
                out.close();
                throw new SnapshotRejectedException(endpoint, a.reason().orElseThrow(), a.message(),
                        a.servedVersion(), a.servedHash());
            default:
                break;
        }
        try (InputStream file = payload.open()) {
            PayloadWriter.write(file, out, a.encoding().orElseThrow() == Encoding.GZIP);
        }
        out.close();
        Ack ack = V2Json.decodeAck(V2Frame.read(in, V2Frame.ACK, V2Frame.MAX_REPLY_LENGTH, 0), V2Frame.PREFIX_LENGTH);
        if (!ack.ok()) {
            throw new SnapshotRejectedException(endpoint, ack.error().orElseThrow(), ack.message(),
                    ack.version(), ack.hash());
        }
        return new PushResult(Dbsync.ALPN_V2, PushResult.Outcome.SWAPPED, ack.version(), ack.hash());
    }

    private static PushResult v1(SnapshotMeta meta, InputStream in, OutputStream out, PayloadSource payload,
                                 boolean gzip) throws IOException {
        V1Frame.writeHeader(out, meta.withCompressed(gzip));
        try (InputStream file = payload.open()) {
            PayloadWriter.write(file, out, gzip);
        }
        out.close();
        // v1 has no reply: wait for the subscriber to end the stream, so that closing the
        // connection cannot cut off bytes still in flight
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
            // a v1 subscriber sends nothing; ignore anything
        }
        return new PushResult(Dbsync.ALPN_V1, PushResult.Outcome.DELIVERED, 0, "");
    }
}
