package dev.dbsync.core;

import dev.dbsync.api.RejectReason;
import dev.dbsync.api.Dbsync;
import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.core.internal.wire.Ack;
import dev.dbsync.core.internal.wire.Answer;
import dev.dbsync.core.internal.wire.Encoding;
import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.PayloadReader;
import dev.dbsync.core.internal.wire.V1Frame;
import dev.dbsync.core.internal.wire.V2Frame;
import dev.dbsync.core.internal.wire.V2Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The raw receiving side of the protocol, for applications that handle snapshot bytes
 * themselves: for each push (v2 or v1) the handler gets the meta and a stream of the
 * uncompressed payload, bounded to the declared size. After the handler returns, the rest of
 * the payload is drained and its SHA-256 checked; a v2 publisher then gets an ok
 * acknowledgement, or a negative one if the handler threw or the payload was bad. A v2 offer
 * is always answered "send" (no version or age policy: that is the {@link Subscriber}'s job).
 * There is no stall watchdog here: a silent peer is cut off by the transport's idle timeout.
 *
 * <pre>{@code
 * try (SnapshotListener l = SnapshotListener.listen(Transports.preferred(),
 *         new InetSocketAddress("0.0.0.0", 9443), tls, (meta, payload) -> {
 *             Files.copy(payload, Path.of("incoming-" + meta.version() + ".db"));
 *         })) { ... }
 * }</pre>
 */
public final class SnapshotListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotListener.class);

    /** Handles one received snapshot. */
    @FunctionalInterface
    public interface SnapshotHandler {
        /**
         * @param meta the snapshot's meta
         * @param payload the uncompressed payload; it fails with a
         *     {@link dev.dbsync.api.ProtocolException} if the bytes break the protocol
         * @throws Exception to refuse the snapshot
         */
        void handle(SnapshotMeta meta, InputStream payload) throws Exception;
    }

    private final TransportListener listener;

    private SnapshotListener(TransportListener listener) {
        this.listener = listener;
    }

    /**
     * Starts listening on the default transport ({@link Transports#preferred()}).
     *
     * @param address where to listen
     * @param tls the listener's TLS settings
     * @param handler called for each push, concurrently for concurrent pushes
     * @return the running listener
     * @throws dev.dbsync.api.TransportException if no transport is available or the address
     *     cannot be bound
     */
    public static SnapshotListener listen(InetSocketAddress address, TlsSettings tls, SnapshotHandler handler) {
        return listen(Transports.preferred(), address, tls, handler);
    }

    /**
     * Starts listening.
     *
     * @param transport the transport
     * @param address where to listen
     * @param tls the listener's TLS settings
     * @param handler called for each push, concurrently for concurrent pushes
     * @return the running listener
     * @throws dev.dbsync.api.TransportException if the address cannot be bound
     */
    public static SnapshotListener listen(Transport transport, InetSocketAddress address, TlsSettings tls,
                                          SnapshotHandler handler) {
        return new SnapshotListener(transport.listen(address, tls, Dbsync.ACCEPTED_ALPN,
                TransportOptions.defaults(), s -> serve(s, handler)));
    }

    private static void serve(InboundStream s, SnapshotHandler handler) throws Exception {
        boolean v2 = Dbsync.ALPN_V2.equals(s.negotiatedAlpn());
        InputStream in = s.input();
        SnapshotMeta meta;
        long offset;
        if (v2) {
            byte[] body = V2Frame.read(in, V2Frame.OFFER, V2Frame.MAX_OFFER_LENGTH, 0);
            Offer offer = V2Json.decodeOffer(body, V2Frame.PREFIX_LENGTH);
            offset = V2Frame.PREFIX_LENGTH + (long) body.length;
            // the handler gets the snapshot's bytes as they arrive: there is no base to rebuild pages from
            Optional<Encoding> enc = offer.encodings().stream().map(Encoding::fromWire).flatMap(Optional::stream)
                    .filter(e -> e != Encoding.PAGES).findFirst();
            if (enc.isEmpty() || !Offer.FULL.equals(offer.payload())) {
                V2Frame.write(s.output(), V2Frame.ANSWER, V2Json.encodeAnswer(Answer.reject(RejectReason.UNSUPPORTED,
                        "unsupported payload kind or encodings", 0, "")));
                return;
            }
            meta = offer.meta().withCompressed(enc.get() == Encoding.GZIP);
            V2Frame.write(s.output(), V2Frame.ANSWER, V2Json.encodeAnswer(Answer.send(enc.get(), 0, "")));
        } else {
            meta = V1Frame.readHeader(in, Dbsync.DEFAULT_MAX_SNAPSHOT_SIZE);
            offset = V1Frame.headerLength(meta);
        }
        PayloadReader payload = new PayloadReader(in, meta, offset);
        Ack ack;
        try {
            handler.handle(meta.withCompressed(false), payload);
            payload.drainAndVerify();
            ack = new Ack(true, meta.version(), meta.hash(), Optional.empty(), "");
        } catch (DbsyncException e) {
            RejectReason reason = e instanceof dev.dbsync.api.IntegrityException ? RejectReason.HASH_MISMATCH
                    : e instanceof dev.dbsync.core.internal.wire.PayloadSizeException ? RejectReason.SIZE_MISMATCH
                    : RejectReason.PROTOCOL_ERROR;
            ack = new Ack(false, 0, "", Optional.of(reason), e.getMessage());
        } catch (Exception e) {
            LOG.warn("snapshot handler refused version {}: {}", meta.version(), e.toString());
            ack = new Ack(false, 0, "", Optional.of(RejectReason.IO_ERROR), String.valueOf(e.getMessage()));
        }
        if (v2) {
            V2Frame.write(s.output(), V2Frame.ACK, V2Json.encodeAck(ack));
        } else if (!ack.ok()) {
            throw new DbsyncException("v1 push of version " + meta.version() + " refused: " + ack.message());
        }
    }

    /** @return the bound address */
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** Stops listening; idempotent. */
    @Override
    public void close() {
        listener.close();
    }
}
