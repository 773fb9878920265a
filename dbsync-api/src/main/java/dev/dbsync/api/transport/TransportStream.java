package dev.dbsync.api.transport;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One bidirectional byte stream. Closing {@link #output()} sends end-of-stream (a half-close):
 * the peer reads EOF and can still answer on the other direction.
 *
 * <p>{@link #output()} applies backpressure: a write blocks while the peer's flow-control
 * window is full, so a slow reader never makes the sender buffer unbounded data.
 * {@link #input()} reads block until data, EOF, or a failure (reported as an
 * {@link java.io.IOException}, or as a {@link dev.dbsync.api.TransportException} when the peer
 * refused this side's certificate: with TLS 1.3 that shows only after the handshake, at the
 * first read or write). One thread may write while another reads.
 */
public interface TransportStream extends AutoCloseable {

    /** @return what the peer sends; EOF when the peer half-closes */
    InputStream input();

    /** @return what we send; {@code close()} sends end-of-stream */
    OutputStream output();

    /**
     * Aborts both directions at once (QUIC RESET_STREAM / STOP_SENDING): pending reads and
     * writes on either side fail. Used to cut off a stalled or hostile peer. Idempotent.
     *
     * @param errorCode an application error code sent to the peer
     */
    void abort(long errorCode);

    /**
     * Releases the stream: sends end-of-stream if the output is still open and stops reading.
     * Idempotent.
     */
    @Override
    void close();
}
