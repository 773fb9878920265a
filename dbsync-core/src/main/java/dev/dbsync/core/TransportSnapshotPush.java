package dev.dbsync.core;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.Target;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Pushes snapshots over a {@link Transport}: dials the target, negotiates the protocol by
 * ALPN, streams the snapshot from its shared file, and waits for the target's answer. A push
 * that makes no progress for the stall timeout is aborted.
 */
final class TransportSnapshotPush implements SnapshotPush {
    /** Stream error code when the publisher closes during a push ("CA", docs/protocol.md section 6). */
    static final long CANCELLED_ERROR_CODE = 0x4341;
    /** Stream error code when a push makes no progress for the stall timeout ("ST"). */
    static final long STALLED_ERROR_CODE = 0x5354;
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
        Endpoint at = endpoint;
        PushResult r = PushExchange.runFallingBackToWhole(endpoint.toString(),
                offerPages -> attempt(at, snapshot, cancel, offerPages));
        return r.outcome() == PushResult.Outcome.DELIVERED
                ? new Outcome(snapshot.meta().version(), snapshot.meta().hash(), false, true)
                : new Outcome(r.servedVersion(), r.servedHash(), true, r.outcome() != PushResult.Outcome.SKIPPED);
    }

    /** One connection, one stream, one exchange (a transport may carry one stream per connection). */
    private PushResult attempt(Endpoint endpoint, PublishedSnapshot snapshot, Cancellation cancel, boolean offerPages)
            throws IOException {
        try (TransportConnection connection = transport.dial(endpoint, tls, Dbsync.OFFERED_ALPN, options)) {
            AtomicReference<TransportStream> open = new AtomicReference<>();
            // cancelling aborts the stream: a graceful close would wait for a peer that may not be reading
            Runnable abort = () -> {
                TransportStream s = open.get();
                if (s != null) {
                    s.abort(CANCELLED_ERROR_CODE);
                }
                connection.close();
            };
            if (!cancel.onCancel(abort)) {
                throw new TransportException(endpoint.toString(), "publisher is closing");
            }
            try (TransportStream stream = connection.openStream()) {
                open.set(stream);
                AtomicLong progress = new AtomicLong();
                ScheduledFuture<?> watchdog = watchStall(stream, progress, endpoint);
                try {
                    return PushExchange.run(endpoint.toString(), connection.negotiatedAlpn(), snapshot.meta(),
                            new CountingInput(stream.input(), progress), new CountingOutput(stream.output(), progress),
                            snapshot.payload(), gzip, offerPages);
                } finally {
                    watchdog.cancel(false);
                }
            }
        }
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
                stream.abort(STALLED_ERROR_CODE);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Counts bytes read, for the stall watchdog. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private final AtomicLong progress;

        CountingInput(InputStream in, AtomicLong progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                progress.addAndGet(n);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                progress.incrementAndGet();
            }
            return b;
        }
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
