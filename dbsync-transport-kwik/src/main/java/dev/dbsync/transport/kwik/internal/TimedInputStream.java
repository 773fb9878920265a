package dev.dbsync.transport.kwik.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * The receiving side of a kwik stream, with a read timeout (kwik 0.10.8 has none: a read waits
 * forever) and a reliable wake-up on reset or abort. kwik 0.10.8 can miss waking a blocked
 * reader when the stream is reset by the peer, aborted or closed (it checks those flags before
 * publishing the reader thread it would interrupt; fixed upstream after 0.10.8). kwik's read
 * loop treats an interrupt as "check the flags again", so the {@link StreamWatchdog} nudges
 * (interrupts) a reader blocked in kwik every {@link #NUDGE_NANOS}, and at once on timeout or
 * local abort; the interrupt status is cleared before the read returns. Only one thread may
 * read.
 */
final class TimedInputStream extends InputStream implements StreamWatchdog.Watched {
    /** How often a reader blocked in kwik is made to re-check for a reset it may have missed. */
    static final long NUDGE_NANOS = 1_000_000_000L;
    private final InputStream kwik;
    private final long timeoutNanos;
    private final Runnable onTimeout;
    private final Runnable onLongWait;
    private final String name;
    private final ConnectionEnd end;
    private final Object lock = new Object();
    // guarded by lock
    private Thread reader;
    private long readSince;
    private long lastNudge;
    private long lastKick;
    private boolean interrupted;
    private boolean timedOut;
    private boolean aborted;

    /**
     * @param kwik kwik's input stream
     * @param timeout how long one read may wait for data
     * @param onTimeout aborts the stream (called on the watchdog thread)
     * @param onLongWait called on the watchdog thread every {@link GuardedOutputStream#STALL_NANOS}
     *                   while a read waits: re-triggers the sending of what we wrote last
     * @param name the stream's name for messages
     */
    TimedInputStream(InputStream kwik, Duration timeout, Runnable onTimeout, Runnable onLongWait, String name) {
        this(kwik, timeout, onTimeout, onLongWait, name, ConnectionEnd.NONE);
    }

    /**
     * @param kwik kwik's input stream
     * @param timeout how long one read may wait for data
     * @param onTimeout aborts the stream (called on the watchdog thread)
     * @param onLongWait called on the watchdog thread every {@link GuardedOutputStream#STALL_NANOS}
     *                   while a read waits: re-triggers the sending of what we wrote last
     * @param name the stream's name for messages
     * @param end turns a failed read into the connection's end, once it has ended
     */
    TimedInputStream(InputStream kwik, Duration timeout, Runnable onTimeout, Runnable onLongWait, String name,
                     ConnectionEnd end) {
        this.end = end;
        this.kwik = kwik;
        this.timeoutNanos = timeout.toNanos();
        this.onTimeout = onTimeout;
        this.onLongWait = onLongWait;
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        try {
            return readWatched(b, off, len);
        } catch (IOException e) {
            end.throwIfEnded("read", e);
            throw e;
        }
    }

    private int readWatched(byte[] b, int off, int len) throws IOException {
        synchronized (lock) {
            if (aborted) {
                throw new IOException(name + ": stream aborted");
            }
            reader = Thread.currentThread();
            readSince = System.nanoTime();
            lastNudge = readSince;
            lastKick = readSince;
        }
        StreamWatchdog.watch(this);
        try {
            return kwik.read(b, off, len);
        } catch (IOException e) {
            synchronized (lock) {
                if (timedOut) {
                    SocketTimeoutException t = new SocketTimeoutException(
                            name + ": no data for " + timeoutNanos / 1_000_000 + " ms");
                    t.initCause(e);
                    throw t;
                }
                if (aborted) {
                    throw new IOException(name + ": stream aborted", e);
                }
            }
            throw e;
        } finally {
            StreamWatchdog.unwatch(this);
            synchronized (lock) {
                reader = null;
                if (interrupted) {
                    interrupted = false;
                    Thread.interrupted();
                }
            }
        }
    }

    @Override
    public int available() throws IOException {
        return kwik.available();
    }

    @Override
    public void inspect(long now) {
        boolean abort = false;
        boolean kick = false;
        synchronized (lock) {
            if (reader == null) {
                return;
            }
            if (now - lastKick > GuardedOutputStream.STALL_NANOS) {
                lastKick = now;
                kick = true;
            }
            if (!timedOut && now - readSince > timeoutNanos) {
                timedOut = true;
                abort = true;
            } else if (now - lastNudge > NUDGE_NANOS) {
                lastNudge = now;
                interrupted = true;
                reader.interrupt();
            }
        }
        if (kick) {
            onLongWait.run();
        }
        if (abort) {
            onTimeout.run();
            wakeReader();
        }
    }

    /** Marks the stream aborted locally and wakes a blocked reader. */
    void abort() {
        synchronized (lock) {
            aborted = true;
        }
        wakeReader();
    }

    private void wakeReader() {
        synchronized (lock) {
            if (reader != null) {
                interrupted = true;
                reader.interrupt();
            }
        }
    }

    /** Stops reading (kwik sends STOP_SENDING if the peer has not finished); idempotent. */
    @Override
    public void close() throws IOException {
        kwik.close();
    }
}
