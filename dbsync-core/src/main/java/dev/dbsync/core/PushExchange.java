package dev.dbsync.core;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.RejectReason;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TransportException;
import dev.dbsync.core.internal.wire.Ack;
import dev.dbsync.core.internal.wire.Answer;
import dev.dbsync.core.internal.wire.Encoding;
import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.PageDelta;
import dev.dbsync.core.internal.wire.PayloadWriter;
import dev.dbsync.core.internal.wire.V1Frame;
import dev.dbsync.core.internal.wire.V2Frame;
import dev.dbsync.core.internal.wire.V2Json;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The pushing side of one exchange on an open stream, by the negotiated protocol
 * ({@code docs/protocol.md}): v2 offer, answer, payload, acknowledgement; or v1 header and
 * payload, then waiting for the subscriber to end the stream. Shared by {@link SnapshotPusher}
 * and the publisher.
 */
final class PushExchange {
    /** Opens the snapshot's bytes from the start; called once per pass over them. */
    @FunctionalInterface
    interface PayloadSource extends PageDelta.Source {
    }

    /**
     * A {@code pages} push ended in {@code hash_mismatch}: the subscriber's copy of a page was
     * matched by digest but differed. The caller sends the snapshot again without the
     * {@code pages} encoding (see {@link #runFallingBackToWhole}).
     */
    static final class PagesMismatchException extends SnapshotRejectedException {
        private static final long serialVersionUID = 1L;

        PagesMismatchException(String endpoint, String message, long servedVersion, String servedHash) {
            super(endpoint, RejectReason.HASH_MISMATCH, message, servedVersion, servedHash);
        }
    }

    /** Opens a new stream of the same connection for a second attempt. */
    @FunctionalInterface
    interface StreamOpener {
        PushResult exchange(boolean offerPages) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PushExchange.class);

    private PushExchange() {
    }

    /**
     * Runs an exchange offering {@code pages}; if that ends in a page mismatch, runs it again
     * (on a new stream) without.
     *
     * @param endpoint the subscriber, for messages
     * @param exchange one exchange on a new stream
     * @return what the subscriber did
     * @throws IOException if a stream fails
     */
    static PushResult runFallingBackToWhole(String endpoint, StreamOpener exchange) throws IOException {
        try {
            return exchange.exchange(true);
        } catch (PagesMismatchException e) {
            LOG.warn("{}: the snapshot rebuilt from page digests failed its SHA-256 check ({}); sending it whole",
                    endpoint, e.getMessage());
            return exchange.exchange(false);
        }
    }

    /**
     * @param endpoint the subscriber, for messages
     * @param alpn the negotiated protocol id
     * @param meta the snapshot's meta (its {@code compressed} flag is ignored)
     * @param in what the subscriber sends
     * @param out what we send; closed (end of stream) by this exchange
     * @param payload the snapshot's bytes
     * @param gzip whether to offer (v2) or send (v1) gzip
     * @param offerPages whether to offer (v2) the {@code pages} encoding
     * @return what the subscriber did
     * @throws SnapshotRejectedException if the subscriber refused the snapshot (v2)
     * @throws IOException if the stream fails
     */
    static PushResult run(String endpoint, String alpn, SnapshotMeta meta, InputStream in, OutputStream out,
                          PayloadSource payload, boolean gzip, boolean offerPages) throws IOException {
        if (Dbsync.ALPN_V2.equals(alpn)) {
            return v2(endpoint, meta, in, out, payload, gzip, offerPages);
        }
        if (Dbsync.ALPN_V1.equals(alpn)) {
            return v1(meta, in, out, payload, gzip);
        }
        throw new TransportException(endpoint, "unexpected ALPN id " + alpn);
    }

    private static PushResult v2(String endpoint, SnapshotMeta meta, InputStream in, OutputStream out,
                                 PayloadSource payload, boolean gzip, boolean offerPages) throws IOException {
        int pageSize = 0;
        if (offerPages) {
            try (InputStream header = payload.open()) {
                pageSize = PageDelta.usablePageSize(header, meta.size());
            }
        }
        List<String> encodings = new ArrayList<>();
        if (pageSize != 0) {
            encodings.add(Encoding.PAGES.wire());
        }
        if (gzip) {
            encodings.add(Encoding.GZIP.wire());
        }
        encodings.add(Encoding.IDENTITY.wire());
        byte[] offer = V2Json.encodeOffer(new Offer(meta.withCompressed(false), encodings, Offer.FULL, pageSize));
        V2Frame.write(out, V2Frame.OFFER, offer);
        out.flush();
        byte[] answer = V2Frame.read(in, V2Frame.ANSWER, V2Frame.MAX_REPLY_LENGTH, 0);
        Answer a = V2Json.decodeAnswer(answer, V2Frame.PREFIX_LENGTH);
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
        Encoding chosen = a.encoding().orElseThrow();
        long replyOffset = V2Frame.PREFIX_LENGTH + (long) answer.length;
        if (chosen == Encoding.PAGES) {
            if (pageSize == 0) {
                throw new ProtocolException(V2Frame.PREFIX_LENGTH, "the answer chose 'pages', which was not offered");
            }
            long sent = PageDelta.send(payload, meta.size(), pageSize, in, out, replyOffset);
            replyOffset += V2Frame.PREFIX_LENGTH + PageDelta.bitmapLength(meta.size() / pageSize);
            LOG.debug("{}: sent {} of {} pages of version {}", endpoint, sent, meta.size() / pageSize, meta.version());
        } else {
            try (InputStream file = payload.open()) {
                PayloadWriter.write(file, out, chosen == Encoding.GZIP);
            }
        }
        out.close();
        Ack ack = V2Json.decodeAck(V2Frame.read(in, V2Frame.ACK, V2Frame.MAX_REPLY_LENGTH, replyOffset),
                replyOffset + V2Frame.PREFIX_LENGTH);
        if (!ack.ok()) {
            RejectReason r = ack.error().orElseThrow();
            if (chosen == Encoding.PAGES && r == RejectReason.HASH_MISMATCH) {
                throw new PagesMismatchException(endpoint, ack.message(), ack.version(), ack.hash());
            }
            throw new SnapshotRejectedException(endpoint, r, ack.message(), ack.version(), ack.hash());
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
