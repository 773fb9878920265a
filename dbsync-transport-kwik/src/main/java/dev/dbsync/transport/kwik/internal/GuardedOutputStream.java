package dev.dbsync.transport.kwik.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending side of a kwik stream, with the containment of kwik's sender stall.
 *
 * <p>kwik 0.10.8 (and upstream master) can lose the wake-up of its sender in
 * {@code StreamOutputStreamImpl.scheduleSendStreamFrameRequest}: the counter of queued send
 * requests is read, the request queued, and only then incremented; when the sender thread runs
 * the request in between, its own re-queue sees -1 and is skipped. Data then stays in kwik's
 * 50 KiB send buffer with no send request queued, and a writer blocked on that full buffer waits
 * forever. Any later {@code write} re-queues the request, but the blocked writer cannot make one.
 *
 * <p>Containment: writes go to kwik in chunks of {@value #CHUNK} bytes (smaller than kwik's send
 * buffer, so kwik never splits a chunk and a refused chunk is never half-buffered). When one
 * chunk has been blocked for {@link #STALL_NANOS} the {@link StreamWatchdog} interrupts the
 * writer; kwik then gives up that chunk with an {@link InterruptedIOException} without having
 * buffered any of it. The writer clears the
 * interrupt, makes a zero-length write (which re-queues kwik's send request) and writes the chunk
 * again. The zero-length write adds an empty buffer to kwik's queue; it is always followed by the
 * retried, non-empty chunk, which kwik needs to send a FIN after it. Under real backpressure (a
 * slow reader) the same poke just finds the stream blocked by flow control and changes nothing.
 * A chunk blocked longer than the write timeout resets the stream. Data left unsent when the
 * writer is done (closed, or waiting for an answer) is the reader's side to kick: see
 * {@link #kickSender()}.
 *
 * <p>{@link #flush()} does nothing: kwik sends as soon as it can. Only one thread may write.
 */
final class GuardedOutputStream extends OutputStream implements StreamWatchdog.Watched {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedOutputStream.class);
    /** Largest write handed to kwik at once. */
    static final int CHUNK = 16 * 1024;
    /** How long a chunk may wait in kwik before the sender is re-triggered. */
    static final long STALL_NANOS = 200_000_000L;
    /**
     * Diagnostic switch, on unless the system property {@code dbsync.kwik.retriggerStalledSender}
     * is {@code false}: turning it off shows kwik's stall (measurement programs only).
     */
    static final boolean RETRIGGER = !"false".equals(System.getProperty("dbsync.kwik.retriggerStalledSender"));
    private static final AtomicLong POKES = new AtomicLong();
    private static final byte[] NOTHING = new byte[0];

    private final OutputStream kwik;
    private final long timeoutNanos;
    private final Runnable onTimeout;
    private final String name;
    private final Object lock = new Object();
    // guarded by lock
    private Thread writer;
    private long blockedSince;
    private long lastPoke;
    private boolean pokeRequested;
    private boolean timedOut;
    private volatile boolean closed;
    private volatile boolean ended;
    private final ConnectionEnd end;

    /**
     * @param kwik kwik's output stream
     * @param timeout how long one chunk may stay blocked before the stream is given up
     * @param onTimeout resets the stream (called on the watchdog thread)
     * @param name the stream's name for messages
     */
    GuardedOutputStream(OutputStream kwik, java.time.Duration timeout, Runnable onTimeout, String name) {
        this(kwik, timeout, onTimeout, name, ConnectionEnd.NONE);
    }

    /**
     * @param kwik kwik's output stream
     * @param timeout how long one chunk may stay blocked before the stream is given up
     * @param onTimeout resets the stream (called on the watchdog thread)
     * @param name the stream's name for messages
     * @param end turns a failed write into the connection's end, once it has ended
     */
    GuardedOutputStream(OutputStream kwik, java.time.Duration timeout, Runnable onTimeout, String name,
                        ConnectionEnd end) {
        this.end = end;
        this.kwik = kwik;
        this.timeoutNanos = timeout.toNanos();
        this.onTimeout = onTimeout;
        this.name = name;
    }

    /** @return how many times a blocked sender was re-triggered in this JVM */
    static long pokes() {
        return POKES.get();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(name + ": output already closed");
        }
        if (ended) {
            end.throwIfEnded("write", null);
        }
        try {
            while (len > 0) {
                int n = Math.min(CHUNK, len);
                writeChunk(b, off, n);
                off += n;
                len -= n;
            }
        } catch (IOException e) {
            end.throwIfEnded("write", e);
            throw e;
        }
    }

    private void writeChunk(byte[] b, int off, int len) throws IOException {
        while (true) {
            enter();
            try {
                kwik.write(b, off, len);
                if (exit()) {
                    LOG.trace("{}: sender re-triggered after the chunk was buffered", name);
                }
                return;
            } catch (InterruptedIOException e) {
                boolean poked = exit();
                if (timedOutNow()) {
                    throw new IOException(name + ": write blocked for longer than " + timeoutNanos / 1_000_000 + " ms", e);
                }
                if (!poked) {
                    throw e;
                }
                // the chunk was refused whole; re-queue kwik's send request, then offer it again
                kwik.write(NOTHING, 0, 0);
            } catch (IOException | RuntimeException e) {
                exit();
                throw e;
            }
        }
    }

    /** The connection ended: a blocked write is woken and fails, and so does every later write. */
    void connectionEnded() {
        ended = true;
        synchronized (lock) {
            if (writer != null && !pokeRequested) {
                pokeRequested = true;
                writer.interrupt();
            }
        }
    }

    private void enter() {
        synchronized (lock) {
            writer = Thread.currentThread();
            blockedSince = System.nanoTime();
            lastPoke = blockedSince;
            pokeRequested = false;
        }
        StreamWatchdog.watch(this);
    }

    /** @return true when the watchdog interrupted this write; the interrupt is then cleared */
    private boolean exit() {
        StreamWatchdog.unwatch(this);
        synchronized (lock) {
            writer = null;
            boolean poked = pokeRequested;
            pokeRequested = false;
            if (poked) {
                Thread.interrupted();
            }
            return poked;
        }
    }

    private boolean timedOutNow() {
        synchronized (lock) {
            return timedOut;
        }
    }

    @Override
    public void inspect(long now) {
        boolean reset = false;
        synchronized (lock) {
            if (writer == null || pokeRequested || timedOut) {
                return;
            }
            if (now - blockedSince > timeoutNanos) {
                timedOut = true;
                reset = true;
            } else if (RETRIGGER && now - lastPoke > STALL_NANOS) {
                lastPoke = now;
                POKES.incrementAndGet();
                // the interrupt: kwik refuses the chunk whole, the zero-length write re-queues its send
                // request and the retry re-checks the stream, so a writer blocked on a connection kwik
                // has closed fails at once instead of at the write timeout
                pokeRequested = true;
                writer.interrupt();
            }
        }
        if (reset) {
            LOG.warn("{}: write blocked for longer than {} ms; resetting the stream", name, timeoutNanos / 1_000_000);
            onTimeout.run();
        }
    }

    /**
     * Re-queues kwik's send request for this stream, for a reader that has waited a while for an
     * answer: what it sent last may be stranded in kwik's buffer. Harmless when nothing is.
     */
    void kickSender() {
        if (RETRIGGER) {
            SenderKick.kick(kwik);
        }
    }

    @Override
    public void flush() {
        // kwik sends as soon as it can
    }

    /** Sends end-of-stream (FIN) and returns at once; idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            kwik.close();
        }
    }

    boolean isClosed() {
        return closed;
    }
}
