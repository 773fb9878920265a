package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.DbsyncException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiving side of a stream: a bounded queue of received buffers read by a blocking
 * {@link InputStream}. When more than {@link #HIGH_WATER} bytes wait, auto-read is turned off,
 * so quiche stops extending flow-control credit and the sender blocks; it is turned back on
 * below {@link #LOW_WATER}. Filled on the event loop, read by any one thread.
 */
final class StreamInbox extends InputStream {
    static final long HIGH_WATER = 1L << 20;
    static final long LOW_WATER = 256L << 10;

    private final Channel channel;
    private final Runnable onEarlyClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long queued;
    private boolean eof;
    private Exception failure;
    private boolean discarding;
    private boolean closed;
    private boolean paused;

    /**
     * @param channel the stream channel whose auto-read is toggled
     * @param onEarlyClose run when the reader closes before end-of-stream (stop the peer sending)
     */
    StreamInbox(Channel channel, Runnable onEarlyClose) {
        this.channel = channel;
        this.onEarlyClose = onEarlyClose;
    }

    /** Event loop: queues received bytes (takes ownership of {@code buf}). */
    void offer(ByteBuf buf) {
        lock.lock();
        try {
            if (discarding || failure != null || eof || !buf.isReadable()) {
                buf.release();
                return;
            }
            queue.add(buf);
            queued += buf.readableBytes();
            if (queued >= HIGH_WATER && !paused) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: the peer sent end-of-stream. */
    void finish() {
        lock.lock();
        try {
            eof = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails pending and later reads (after the bytes already queued), unless end-of-stream came first.
     *
     * @param cause an {@link IOException} or a {@link DbsyncException}
     */
    void fail(Exception cause) {
        lock.lock();
        try {
            if (!eof && failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops queued and future bytes (the reader has given up) and keeps the peer's data flowing. */
    void discard() {
        lock.lock();
        try {
            discarding = true;
            releaseAll();
            resumeIfPaused();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param nanos how long to wait at most
     * @return true when end-of-stream or a failure arrived within the time
     * @throws InterruptedException if interrupted
     */
    boolean awaitEnd(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!eof && failure == null && left > 0 && channel.isActive()) {
                left = changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return eof || failure != null || !channel.isActive();
        } finally {
            lock.unlock();
        }
    }

    /** @return true once the peer's end-of-stream has arrived */
    boolean atEnd() {
        lock.lock();
        try {
            return eof;
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (eof) {
                    return -1;
                }
                if (closed) {
                    throw new IOException("stream input is closed");
                }
                if (failure != null) {
                    throw rethrow(failure);
                }
                if (!channel.isActive() && !eof) {
                    throw new IOException("stream closed before the peer's end-of-stream");
                }
                changed.await(100, TimeUnit.MILLISECONDS);
            }
            int n = 0;
            while (n < len && !queue.isEmpty()) {
                ByteBuf head = queue.peek();
                int k = Math.min(len - n, head.readableBytes());
                head.readBytes(b, off + n, k);
                n += k;
                if (!head.isReadable()) {
                    queue.poll().release();
                }
            }
            queued -= n;
            if (queued <= LOW_WATER) {
                resumeIfPaused();
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a stream");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued);
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading: drops what is queued and, before end-of-stream, asks the peer to stop sending. */
    @Override
    public void close() {
        boolean early;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            early = !eof && failure == null;
            discarding = true;
            releaseAll();
            resumeIfPaused();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (early) {
            onEarlyClose.run();
        }
    }

    private void releaseAll() {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            b.release();
        }
        queued = 0;
    }

    private void resumeIfPaused() {
        if (paused) {
            paused = false;
            try {
                channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
            } catch (RejectedExecutionException e) {
                // the event loop is gone with its connection: nothing more will arrive
            }
        }
    }

    private static IOException rethrow(Exception failure) {
        if (failure instanceof RuntimeException) {
            throw ConnectionCloseCause.fresh((RuntimeException) failure);
        }
        return new IOException(failure.getMessage(), failure);
    }
}
