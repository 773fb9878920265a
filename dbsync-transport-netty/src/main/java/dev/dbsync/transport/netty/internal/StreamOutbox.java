package dev.dbsync.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * The sending side of a stream, with real backpressure: bytes are cut into chunks of
 * {@link #CHUNK} and handed to the event loop; a write blocks while more than
 * {@link #MAX_IN_FLIGHT} bytes have not yet been taken by quiche (which takes only what the
 * peer's flow-control window allows). A slow reader therefore never makes the sender buffer
 * more than that.
 *
 * <p>End-of-stream travels with the last chunk as a {@link DefaultQuicStreamFrame} with FIN,
 * queued behind the data: {@code shutdownOutput()} would bypass the pending writes and
 * truncate the stream.
 */
final class StreamOutbox extends OutputStream {
    static final int CHUNK = 128 << 10;
    static final long MAX_IN_FLIGHT = 2L << 20;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final QuicStreamChannel channel;
    private final BiFunction<String, Throwable, Exception> failures;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ByteBuf pending;
    private long inFlight;
    private Exception failure;
    private boolean closed;
    private ChannelFuture finFuture;

    /**
     * @param channel the stream channel
     * @param failures turns an operation name and a cause into the exception to throw
     */
    StreamOutbox(QuicStreamChannel channel, BiFunction<String, Throwable, Exception> failures) {
        this.channel = channel;
        this.failures = failures;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            ensureOpen();
            int o = off;
            int left = len;
            while (left > 0) {
                if (pending == null) {
                    pending = channel.alloc().directBuffer(CHUNK, CHUNK);
                }
                int n = Math.min(left, pending.writableBytes());
                pending.writeBytes(b, o, n);
                o += n;
                left -= n;
                if (!pending.isWritable()) {
                    ByteBuf full = pending;
                    pending = null;
                    send(full, false);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (pending != null && pending.isReadable()) {
                ByteBuf part = pending;
                pending = null;
                send(part, false);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends end-of-stream after everything written, and waits until quiche has taken it (not
     * until the peer has read it: see the stream's and the connection's close). Idempotent.
     */
    @Override
    public void close() throws IOException {
        close(Long.MAX_VALUE);
    }

    /**
     * Like {@link #close()}, giving up at a deadline.
     *
     * @param deadline a {@link System#nanoTime()} deadline, or {@link Long#MAX_VALUE} for none
     * @throws IOException if end-of-stream could not be sent in time
     */
    void close(long deadline) throws IOException {
        ChannelFuture fin;
        lock.lock();
        try {
            if (closed) {
                fin = finFuture;
                if (fin == null) {
                    throwFailure();
                    return;
                }
            } else {
                closed = true;
                ByteBuf last = pending != null ? pending : Unpooled.EMPTY_BUFFER;
                pending = null;
                if (failure != null) {
                    last.release();
                    throwFailure();
                }
                fin = send(last, true);
                finFuture = fin;
            }
        } finally {
            lock.unlock();
        }
        awaitDone(fin, "end of stream", deadline);
    }

    /** @return true once end-of-stream has been handed to quiche */
    boolean finished() {
        ChannelFuture f;
        lock.lock();
        try {
            f = finFuture;
        } finally {
            lock.unlock();
        }
        return f != null && f.isDone() && f.isSuccess();
    }

    /**
     * Fails pending and later writes.
     *
     * @param cause the failure to report
     */
    void fail(Exception cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            if (pending != null) {
                pending.release();
                pending = null;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: writability changed. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private ChannelFuture send(ByteBuf buf, boolean fin) throws IOException {
        int size = buf.readableBytes();
        try {
            while (failure == null && inFlight > 0 && inFlight + size > MAX_IN_FLIGHT) {
                if (!channel.isActive()) {
                    failure = failures.apply("write", new IOException("stream channel closed"));
                    break;
                }
                changed.awaitNanos(POLL_NANOS);
            }
        } catch (InterruptedException e) {
            buf.release();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the peer's flow-control window");
        }
        if (failure != null) {
            buf.release();
            throwFailure();
        }
        inFlight += size;
        ChannelFuture f = channel.writeAndFlush(fin ? new DefaultQuicStreamFrame(buf, true) : buf);
        f.addListener(done -> {
            lock.lock();
            try {
                inFlight -= size;
                if (!done.isSuccess() && failure == null) {
                    failure = failures.apply(fin ? "end of stream" : "write", done.cause());
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        });
        return f;
    }

    private void awaitDone(ChannelFuture f, String what, long deadline) throws IOException {
        try {
            while (!f.await(100, TimeUnit.MILLISECONDS)) {
                if (!channel.isActive() && !f.isDone()) {
                    throw asThrowable(failures.apply(what, new IOException("stream channel closed")));
                }
                if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                    throw new IOException("the peer did not take the end of the stream in time");
                }
                lock.lock();
                try {
                    throwFailure();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending " + what);
        }
        if (!f.isSuccess()) {
            lock.lock();
            try {
                throwFailure();
            } finally {
                lock.unlock();
            }
            throw asThrowable(failures.apply(what, f.cause()));
        }
    }

    private void ensureOpen() throws IOException {
        if (failure != null) {
            throwFailure();
        }
        if (closed) {
            throw new IOException("stream output is closed");
        }
    }

    private void throwFailure() throws IOException {
        if (failure != null) {
            throw asThrowable(failure);
        }
    }

    private static IOException asThrowable(Exception e) {
        if (e instanceof RuntimeException) {
            throw ConnectionCloseCause.fresh((RuntimeException) e);
        }
        return e instanceof IOException ? new IOException(e.getMessage(), e) : new IOException(e);
    }
}
