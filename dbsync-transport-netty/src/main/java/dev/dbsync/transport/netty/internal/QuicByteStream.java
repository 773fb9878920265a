package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.transport.InboundStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One bidirectional QUIC stream as a {@link dev.dbsync.api.transport.TransportStream}: the
 * handler on the stream channel's pipeline feeds a {@link StreamInbox}; a
 * {@link StreamOutbox} writes with backpressure.
 *
 * <p>{@link #close()} is graceful: it sends end-of-stream, then waits (at most the linger time)
 * for the peer's end-of-stream while dropping what still arrives, and only then asks the peer to
 * stop sending. The peer having answered is the only sign that it has read everything: closing
 * the connection earlier loses data in flight.
 */
final class QuicByteStream extends ChannelInboundHandlerAdapter implements InboundStream {
    /** Application code sent with STOP_SENDING when we stop reading before end-of-stream. */
    static final int CODE_STOP_READING = 0x10;

    private static final Logger LOG = LoggerFactory.getLogger(QuicByteStream.class);

    private final QuicStreamChannel channel;
    private final ConnectionCloseCause connection;
    private final String alpn;
    private final InetSocketAddress remote;
    private final List<X509Certificate> peerCertificates;
    private final Duration linger;
    private final StreamInbox inbox;
    private final StreamOutbox outbox;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile Runnable onClose = () -> { };
    private final Runnable peerClosed = this::peerClosed;

    QuicByteStream(QuicStreamChannel channel, ConnectionCloseCause connection, String alpn, InetSocketAddress remote,
                   List<X509Certificate> peerCertificates, Duration linger) {
        this.channel = channel;
        this.connection = connection;
        this.alpn = alpn;
        this.remote = remote;
        this.peerCertificates = peerCertificates;
        this.linger = linger;
        this.inbox = new StreamInbox(channel, () -> channel.shutdownInput(CODE_STOP_READING));
        this.outbox = new StreamOutbox(channel, connection::streamFailure);
        connection.onPeerClose(peerClosed);
        channel.closeFuture().addListener(f -> connection.removePeerCloseListener(peerClosed));
        if (connection.ended()) {
            peerClosed();
        }
    }

    private void peerClosed() {
        java.nio.channels.ClosedChannelException closedByPeer = new java.nio.channels.ClosedChannelException();
        inbox.fail(connection.streamFailure("read", closedByPeer));
        if (!outbox.finished()) {
            outbox.fail(connection.streamFailure("write", closedByPeer));
        }
    }

    /** @param action run once when this stream is closed or aborted */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            inbox.offer((ByteBuf) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
            inbox.finish();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        outbox.wake();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof QuicStreamResetException) {
            long code = ((QuicStreamResetException) cause).applicationProtocolCode();
            IOException reset = new IOException(connection.peer() + ": the peer aborted the stream (code " + code + ")",
                    cause);
            inbox.reset(reset);
            // a reset stream may already be collected by quiche: later writes would then queue forever
            outbox.fail(reset);
        } else {
            inbox.fail(connection.streamFailure("read", cause));
        }
        LOG.debug("{}: stream {} error: {}", connection.peer(), channel.streamId(), cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        IOException closedEarly = new IOException("stream closed");
        inbox.fail(connection.streamFailure("read", closedEarly));
        if (!outbox.finished()) {
            outbox.fail(connection.streamFailure("write", closedEarly));
        }
    }

    @Override
    public InputStream input() {
        return inbox;
    }

    @Override
    public OutputStream output() {
        return outbox;
    }

    @Override
    public String negotiatedAlpn() {
        return alpn;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    @Override
    public void abort(long errorCode) {
        if (errorCode < 0 || errorCode > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("error code " + errorCode + " is out of range 0-" + Integer.MAX_VALUE);
        }
        if (!aborted.compareAndSet(false, true)) {
            return;
        }
        closed.set(true);
        IOException cause = new IOException(connection.peer() + ": stream aborted locally (code " + errorCode + ")");
        // the output first: a reader woken by the failed input must not get a last write out
        outbox.fail(cause);
        inbox.fail(cause);
        inbox.discard();
        channel.shutdown((int) errorCode).addListener(f -> channel.close());
        onClose.run();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            closeGracefully(System.nanoTime() + linger.toNanos());
        } finally {
            onClose.run();
        }
    }

    /**
     * Closes within a deadline: end-of-stream, then the peer's end-of-stream, then release.
     *
     * @param deadline a {@link System#nanoTime()} deadline
     */
    void closeGracefully(long deadline) {
        closed.set(true);
        try {
            outbox.close(deadline);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: stream {}: end of stream not sent: {}", connection.peer(), channel.streamId(), e.toString());
        }
        inbox.discard();
        boolean ended;
        try {
            ended = inbox.awaitEnd(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            LOG.debug("{}: stream {}: no end-of-stream from the peer within {} ms; stopping it", connection.peer(),
                    channel.streamId(), TimeUnit.NANOSECONDS.toMillis(linger.toNanos()));
            channel.shutdownInput(CODE_STOP_READING).addListener(f -> channel.close());
        } else {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "QuicByteStream{" + connection.peer() + ", stream " + channel.streamId() + '}';
    }
}
