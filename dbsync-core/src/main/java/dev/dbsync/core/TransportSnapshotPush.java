package dev.dbsync.core;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.core.internal.wire.Ack;
import dev.dbsync.core.internal.wire.Answer;
import dev.dbsync.core.internal.wire.Encoding;
import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.PayloadWriter;
import dev.dbsync.core.internal.wire.V1Frame;
import dev.dbsync.core.internal.wire.V2Frame;
import dev.dbsync.core.internal.wire.V2Json;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes snapshots over a {@link Transport}: dials the target, negotiates the protocol by
 * ALPN, streams the snapshot from its shared file, and waits for the target's answer. A push
 * that makes no progress for the stall timeout is aborted.
 */
final class TransportSnapshotPush implements SnapshotPush {
    private final Transport transport;
    private final TlsSettings tls;
    private final TransportOptions options;
    private final boolean gzip;
    private final Duration stallTimeout;
    private final ScheduledExecutorService timer;

    TransportSnapshotPush(Transport transport, TlsSettings tls, TransportOptions options, boolean gzip,
                          Duration stallTimeout, ScheduledExecutorService timer) {
        this.transport = transport;
        this.tls = tls;
        this.options = options;
        this.gzip = gzip;
        this.stallTimeout = stallTimeout;
        this.timer = timer;
    }

    @Override
    public Outcome push(Target target, PublishedSnapshot snapshot, Cancellation cancel) throws Exception {
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(target.endpoint());
        } catch (IllegalArgumentException e) {
            throw new TransportException(target.endpoint(), "target '" + target.name() + "': " + e.getMessage(), e);
        }
        try (TransportConnection connection = transport.dial(endpoint, tls, List.of(Dbsync.ALPN_V2, Dbsync.ALPN_V1), options)) {
            if (!cancel.onCancel(connection::close)) {
                throw new TransportException(endpoint.toString(), "publisher is closing");
            }
            try (TransportStream stream = connection.openStream()) {
                AtomicLong progress = new AtomicLong();
                ScheduledFuture<?> watchdog = watchStall(stream, progress, endpoint);
                try {
                    if (Dbsync.ALPN_V2.equals(connection.negotiatedAlpn())) {
                        return pushV2(endpoint, stream, snapshot, progress);
                    }
                    return pushV1(stream, snapshot.meta().withCompressed(gzip), snapshot, progress);
                } finally {
                    watchdog.cancel(false);
                }
            }
        }
    }

    /** Offer, answer, payload, acknowledgement: see docs/protocol.md. */
    private Outcome pushV2(Endpoint endpoint, TransportStream stream, PublishedSnapshot snapshot, AtomicLong progress)
            throws IOException {
        SnapshotMeta meta = snapshot.meta().withCompressed(false);
        List<String> encodings = gzip ? List.of(Encoding.GZIP.wire(), Encoding.IDENTITY.wire())
                : List.of(Encoding.IDENTITY.wire());
        OutputStream out = new CountingOutput(stream.output(), progress);
        InputStream in = stream.input();
        V2Frame.write(out, V2Frame.OFFER, V2Json.encodeOffer(new Offer(meta, encodings, Offer.FULL)));
        out.flush();
        Answer answer = V2Json.decodeAnswer(V2Frame.read(in, V2Frame.ANSWER, V2Frame.MAX_REPLY_LENGTH, 0),
                V2Frame.PREFIX_LENGTH);
        progress.incrementAndGet();
        switch (answer.action()) {
            case SKIP:
                out.close();
                return new Outcome(answer.servedVersion(), answer.servedHash(), true);
            case REJECT:
                out.close();
                throw new SnapshotRejectedException(endpoint.toString(), answer.reason().orElseThrow(),
                        answer.message(), answer.servedVersion(), answer.servedHash());
            default:
                break;
        }
        try (InputStream file = snapshot.newInputStream()) {
            PayloadWriter.write(file, out, answer.encoding().orElseThrow() == Encoding.GZIP);
        }
        out.close();
        Ack ack = V2Json.decodeAck(V2Frame.read(in, V2Frame.ACK, V2Frame.MAX_REPLY_LENGTH, 0), V2Frame.PREFIX_LENGTH);
        if (!ack.ok()) {
            throw new SnapshotRejectedException(endpoint.toString(), ack.error().orElseThrow(), ack.message(),
                    ack.version(), ack.hash());
        }
        return new Outcome(ack.version(), ack.hash(), true);
    }

    private Outcome pushV1(TransportStream stream, SnapshotMeta meta, PublishedSnapshot snapshot, AtomicLong progress)
            throws IOException {
        OutputStream out = new CountingOutput(stream.output(), progress);
        V1Frame.writeHeader(out, meta);
        try (InputStream file = snapshot.newInputStream()) {
            PayloadWriter.write(file, out, meta.compressed());
        }
        out.close(); // end of stream: the subscriber reads EOF after the payload
        // v1 has no answer: wait until the subscriber closes its side, so that closing the
        // connection cannot cut off bytes still in flight
        InputStream in = stream.input();
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
            progress.incrementAndGet();
        }
        return new Outcome(meta.version(), meta.hash(), false);
    }

    private ScheduledFuture<?> watchStall(TransportStream stream, AtomicLong progress, Endpoint endpoint) {
        long periodMillis = Math.max(50, stallTimeout.toMillis() / 4);
        long[] last = {-1, System.nanoTime()};
        return timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long p = progress.get();
            if (p != last[0]) {
                last[0] = p;
                last[1] = now;
            } else if (now - last[1] >= stallTimeout.toNanos()) {
                stream.abort(1);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Counts bytes written, for the stall watchdog. */
    private static final class CountingOutput extends FilterOutputStream {
        private final AtomicLong progress;

        CountingOutput(OutputStream out, AtomicLong progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            progress.addAndGet(len);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            progress.incrementAndGet();
        }
    }
}
