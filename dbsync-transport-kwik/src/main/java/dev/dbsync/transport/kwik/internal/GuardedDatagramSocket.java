package dev.dbsync.transport.kwik.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener's UDP socket, handed to kwik's server. It keeps kwik 0.10.8's
 * {@code System.exit(9)} unreachable: kwik's server {@code Receiver} calls
 * {@code System.exit(9)} when {@link #receive} throws while kwik is not closing. kwik marks its
 * receiver closing and only then interrupts the receiving thread, so this socket lets a receive
 * failure escape only when the receiving thread has been interrupted after
 * {@link #shutdownStarted()} (called by our listener before it closes kwik's connector). Any
 * other failure is logged and the receive retried after a short pause: a socket error never
 * kills the user's JVM; at worst the listener stops receiving until it is closed. This also
 * lets our listener close the socket (release the port) before kwik has finished closing.
 */
final class GuardedDatagramSocket extends DatagramSocket {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedDatagramSocket.class);
    private static final long RETRY_PAUSE_MILLIS = 10;
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final AtomicLong contained = new AtomicLong();
    private volatile long lastLogNanos;
    private volatile boolean shuttingDown;

    /**
     * Binds the socket.
     *
     * @param bindAddress the address to bind; port 0 picks a free port
     * @throws SocketException if it cannot be bound
     */
    GuardedDatagramSocket(SocketAddress bindAddress) throws SocketException {
        super(bindAddress);
        UdpBuffers.enlarge(this);
    }

    @Override
    public void receive(DatagramPacket packet) throws IOException {
        while (true) {
            try {
                super.receive(packet);
                return;
            } catch (IOException | RuntimeException e) {
                if (shuttingDown && Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                containedFailure(e);
            }
        }
    }

    private void containedFailure(Exception e) throws IOException {
        long n = contained.incrementAndGet();
        long now = System.nanoTime();
        if (shuttingDown) {
            LOG.trace("UDP receive on a closing listener: {}", e.toString());
        } else if (n == 1 || now - lastLogNanos > LOG_INTERVAL_NANOS) {
            lastLogNanos = now;
            LOG.warn("UDP receive on {} failed ({}); retrying (failure #{}): kwik would have called System.exit(9)",
                    getLocalSocketAddress(), e.toString(), n);
        }
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException ie) {
            if (shuttingDown) {
                // kwik's shutdown: its receiver is marked closing
                Thread.currentThread().interrupt();
                throw new SocketException("listener closing");
            }
            // not kwik's shutdown: not restored, it would make the next receive close the socket
        }
    }

    /** Marks the orderly shutdown: from now on kwik's interrupt lets a receive failure through. */
    void shutdownStarted() {
        shuttingDown = true;
    }

    /** @return how many receive failures were kept from kwik */
    long containedFailures() {
        return contained.get();
    }
}
