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

    private final QuicStream stream;
    private final GuardedOutputStream output;
    private final TimedInputStream input;
    private final String name;
    private final AtomicBoolean done = new AtomicBoolean();

    /**
     * @param stream the kwik stream
     * @param timeout read and write timeout (the connection's idle timeout)
     * @param name a name for messages, e.g. "127.0.0.1:4433#0"
     */
    KwikStream(QuicStream stream, Duration timeout, String name) {
        this.stream = stream;
        this.name = name;
        this.output = new GuardedOutputStream(stream.getOutputStream(), timeout, this::timeout, name);
        this.input = new TimedInputStream(stream.getInputStream(), timeout, this::timeout, output::kickSender, name);
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
        }
    }

    @Override
    public String toString() {
        return "kwik stream " + name;
    }
}
