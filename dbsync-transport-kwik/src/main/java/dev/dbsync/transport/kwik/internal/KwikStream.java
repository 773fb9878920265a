package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.transport.TransportStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bidirectional kwik stream behind {@link TransportStream}: guarded output (stall containment,
 * write timeout) and timed input (read timeout). Thread-safe as the contract requires: one
 * writer and one reader at a time.
 */
class KwikStream implements TransportStream {
    private static final Logger LOG = LoggerFactory.getLogger(KwikStream.class);
    /** Error code sent when a read or write times out. */
    static final long TIMEOUT_ERROR = 0x10;
    /** Error code of the local abort when the connection has ended (nothing reaches the peer any more). */
    static final long CONNECTION_ENDED_ERROR = 0x13;

    private final QuicStream stream;
    private final GuardedOutputStream output;
    private final TimedInputStream input;
    private final String name;
    private final AtomicBoolean done = new AtomicBoolean();
    private final OpenStreams owner;

    /**
     * @param stream the kwik stream
     * @param timeout read and write timeout (the connection's idle timeout)
     * @param name a name for messages, e.g. "127.0.0.1:4433#0"
     */
    KwikStream(QuicStream stream, Duration timeout, String name) {
        this(stream, timeout, name, null);
    }

    /**
     * @param stream the kwik stream
     * @param timeout read and write timeout (the connection's idle timeout)
     * @param name a name for messages, e.g. "127.0.0.1:4433#0"
     * @param owner the streams of the connection, told when this one is done; null for none
     */
    KwikStream(QuicStream stream, Duration timeout, String name, OpenStreams owner) {
        this.stream = stream;
        this.name = name;
        this.owner = owner;
        ConnectionEnd end = owner != null ? owner : ConnectionEnd.NONE;
        this.output = new GuardedOutputStream(stream.getOutputStream(), timeout, this::timeout, name, end);
        this.input = new TimedInputStream(stream.getInputStream(), timeout, this::timeout, output::kickSender, name, end);
    }

    private void timeout() {
        stream.resetStream(TIMEOUT_ERROR);
        stream.abortReading(TIMEOUT_ERROR);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void abort(long errorCode) {
        if (done.compareAndSet(false, true)) {
            LOG.debug("{}: aborting with code {}", name, errorCode);
            if (!output.isClosed()) {
                stream.resetStream(errorCode);
            }
            stream.abortReading(errorCode);
            input.abort();
            unregister();
        }
    }

    /**
     * The connection ended: a blocked or later read or write fails at once, saying why (see
     * {@link OpenStreams}), instead of waiting for the timeout.
     */
    void connectionEnded() {
        LOG.debug("{}: the connection ended", name);
        output.connectionEnded();
        input.abort();
        try {
            // makes kwik's blocked read and write return: kwik re-checks these flags when woken
            stream.resetStream(CONNECTION_ENDED_ERROR);
            stream.abortReading(CONNECTION_ENDED_ERROR);
        } catch (RuntimeException e) {
            LOG.debug("{}: aborting on a closed connection: {}", name, e.toString());
        }
    }

    private void unregister() {
        if (owner != null) {
            owner.unregister(this);
        }
    }

    @Override
    public void close() {
        if (done.compareAndSet(false, true)) {
            try {
                output.close();
            } catch (IOException e) {
                LOG.debug("{}: closing output: {}", name, e.toString());
            }
            try {
                input.close();
            } catch (IOException e) {
                LOG.debug("{}: closing input: {}", name, e.toString());
            }
            unregister();
        }
    }

    @Override
    public String toString() {
        return "kwik stream " + name;
    }
}
