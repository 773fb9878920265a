package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.transport.TransportStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cuts off a sender that makes no progress: while a guard is open, a stream whose input has
 * not delivered a byte for the stall timeout is aborted (which fails the pending read).
 */
public final class StallWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(StallWatchdog.class);
    /** Application error code sent when a stalled stream is aborted. */
    public static final long STALLED_ERROR_CODE = 0x5354;

    private final ScheduledExecutorService scheduler;
    private final long stallNanos;

    /**
     * @param scheduler runs the checks
     * @param stallTimeout how long without progress is a stall
     */
    public StallWatchdog(ScheduledExecutorService scheduler, Duration stallTimeout) {
        this.scheduler = scheduler;
        this.stallNanos = stallTimeout.toNanos();
    }

    /**
     * Starts watching a stream.
     *
     * @param stream the stream
     * @param peer for logs
     * @return the guard; read through {@link Guard#input()} and close it when done
     */
    public Guard watch(TransportStream stream, String peer) {
        return new Guard(stream, peer);
    }

    /** Watches one stream until closed. */
    public final class Guard implements AutoCloseable {
        private final TransportStream stream;
        private final String peer;
        private final InputStream input;
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean paused;

        private Guard(TransportStream stream, String peer) {
            this.stream = stream;
            this.peer = peer;
            this.input = new FilterInputStream(stream.input()) {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    lastProgress = System.nanoTime();
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    lastProgress = System.nanoTime();
                    return n;
                }
            };
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), stallNanos / 4);
            this.task = scheduler.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
        }

        private void check() {
            if (!paused && System.nanoTime() - lastProgress > stallNanos && fired.compareAndSet(false, true)) {
                LOG.warn("cutting off {}: no data for {} ms", peer, TimeUnit.NANOSECONDS.toMillis(stallNanos));
                stream.abort(STALLED_ERROR_CODE);
                task.cancel(false);
            }
        }

        /** @return the stream's input, counting progress */
        public InputStream input() {
            return input;
        }

        /**
         * Stops counting time (while we work, not the peer), or restarts it from now.
         *
         * @param pause true to pause
         */
        public void pause(boolean pause) {
            lastProgress = System.nanoTime();
            paused = pause;
        }

        /** @return true when the stream was cut off for stalling */
        public boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
