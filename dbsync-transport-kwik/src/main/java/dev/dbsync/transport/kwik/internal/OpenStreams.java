package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.TransportException;
import tech.kwik.core.ConnectionListener;
import tech.kwik.core.ConnectionTerminatedEvent;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The streams of one dialled kwik connection, failed together, saying why, when kwik reports
 * the connection terminated. Registered with kwik as the connection's listener before the
 * handshake, so no termination is missed.
 *
 * <p>kwik 0.10.8 aborts only the streams it already has when the peer closes the connection
 * ({@code QuicConnectionImpl.handlePeerClosing} → {@code StreamManager.abortAll()}), and
 * {@code StreamManager.createStream} does not check that the connection is still up. A mutual-TLS
 * listener that refuses our certificate closes the connection just after our side of the
 * handshake completed (TLS 1.3 checks the client's certificate after the client's Finished): a
 * stream opened in that moment was never aborted, its writes went nowhere and its reader waited
 * for the whole idle timeout (5 minutes by default). A stream is therefore {@linkplain #register
 * registered} first and then checked against {@link #closedReason()}: either the termination finds
 * it in the set, or the check finds the reason.
 *
 * <p>kwik reports the termination on its callback thread, a moment after it failed the streams it
 * knew (and it marks the connection closed just after failing them); a read or write that kwik
 * failed waits (at most {@value #STATE_WAIT_MILLIS} ms) for the connection to be marked closed,
 * then (at most {@value #REPORT_WAIT_MILLIS} ms) for the report, so it fails with the reason, not
 * with kwik's "write failed because stream was aborted" (an {@link java.io.InterruptedIOException}).
 * When the peer refused the TLS handshake (a CRYPTO_ERROR from a listener), reads, writes and
 * {@code openStream} fail with a {@link TransportException}, as the transport contract asks.
 */
final class OpenStreams implements ConnectionListener, ConnectionEnd {
    /** How long a failed operation waits for kwik's report of the connection's end. */
    static final long REPORT_WAIT_MILLIS = 500;
    /** How long a failed operation looks for kwik to mark the connection closed. */
    static final long STATE_WAIT_MILLIS = 50;

    private final String endpoint;
    private final BooleanSupplier connected;
    private final Set<KwikStream> streams = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String reason;
    private volatile boolean refusedByPeer;

    /**
     * @param endpoint the listener, for messages
     * @param connected whether kwik still has the connection up
     */
    OpenStreams(String endpoint, BooleanSupplier connected) {
        this.endpoint = endpoint;
        this.connected = connected;
    }

    @Override
    public void disconnected(ConnectionTerminatedEvent event) {
        // runs on kwik's per-connection callback thread
        Long code = event.transportErrorCode();
        end(describe(event), event.closedByPeer() && code != null && code >= 0x100 && code <= 0x1ff);
    }

    /**
     * Fails every stream: the connection has ended. The first reason given is kept.
     *
     * @param why the reason given to the streams' readers and writers
     * @param tlsRefused whether the peer refused the TLS handshake
     */
    void end(String why, boolean tlsRefused) {
        synchronized (this) {
            if (reason == null) {
                refusedByPeer = tlsRefused;
                reason = why;
            }
        }
        ended.countDown();
        for (KwikStream s : streams) {
            s.connectionEnded();
        }
        streams.clear();
    }

    /** @return why the connection ended, once it has */
    Optional<String> closedReason() {
        return Optional.ofNullable(reason);
    }

    void register(KwikStream stream) {
        streams.add(stream);
    }

    void unregister(KwikStream stream) {
        streams.remove(stream);
    }

    @Override
    public void throwIfEnded(String what, IOException cause) throws IOException {
        if (reason == null) {
            if (cause == null ? connected.getAsBoolean() : stillConnected()) {
                return;
            }
            awaitReport();
            if (reason == null) {
                return;
            }
        }
        if (refusedByPeer) {
            // the contract: a refusal of this side's certificate is a TransportException, even from a stream
            throw new TransportException(endpoint, message(what), cause);
        }
        throw new IOException(endpoint + ": " + message(what), cause);
    }

    /**
     * @param what the operation, e.g. "open a stream"
     * @param cause kwik's failure of the operation, or null
     * @return the failure of an operation on the ended connection, as an unchecked exception
     */
    TransportException endedFailure(String what, Exception cause) {
        if (reason == null) {
            awaitReport();
        }
        return new TransportException(endpoint, reason == null ? what + " failed: the connection has ended" : message(what),
                cause);
    }

    private String message(String what) {
        if (refusedByPeer) {
            return "TLS authentication failed: the listener refused the handshake after it completed on this side, as a "
                    + "mutual-TLS listener does when it does not accept this side's certificate (" + reason + "); "
                    + what + " failed";
        }
        return what + " failed: " + reason;
    }

    /**
     * kwik fails the streams it knows a moment before it marks the connection closed
     * ({@code abortAll()}, then {@code drain()}): after a failed operation, look again for a little while.
     */
    private boolean stillConnected() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STATE_WAIT_MILLIS);
        while (connected.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return false;
    }

    private void awaitReport() {
        boolean interrupted = Thread.interrupted();
        try {
            ended.await(REPORT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String describe(ConnectionTerminatedEvent event) {
        StringBuilder b = new StringBuilder(event.closedByPeer() ? "the peer closed the connection" : "the connection closed");
        b.append(" (").append(event.closeReason());
        if (event.hasError()) {
            b.append(", ").append(event.errorDescription());
        }
        return b.append(')').toString();
    }
}
