package dev.dbsync.transport.kwik.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The dialer's UDP socket, handed to kwik's client. It holds the first datagram from the
 * listener until the dialing thread has finished starting kwik's TLS handshake.
 *
 * <p>kwik 0.10.8 with agent15 3.1 (and both upstream masters) race there:
 * {@code TlsClientEngineImpl.startHandshake} calls {@code sender.send(clientHello)} and only then
 * sets {@code status = Status.WaitServerHello}. kwik's {@code send} queues the ClientHello, which
 * kwik's sender thread puts on the wire at once; on loopback the ServerHello can come back and be
 * handled by kwik's receiver thread before the dialing thread has made that assignment.
 * {@code received(ServerHello)} then returns without doing anything ({@code if (status !=
 * Status.WaitServerHello) return;}), but kwik has consumed the ServerHello: no handshake keys are
 * ever installed, every Handshake packet is dropped ("Missing keys for encryption level Handshake
 * (keys not installed)") and the dial fails after the whole connect timeout. It takes the dialing
 * thread being descheduled for about a round trip inside that window, so it shows on a busy
 * machine: 4 of 160 good dials right after a refused dial (whose connection is torn down while the
 * next dial starts) on a shared 2-core machine.
 *
 * <p>Containment: the datagram is handed to kwik only once the dialing thread waits in kwik's
 * {@code QuicClientConnectionImpl.connect} for the handshake to finish (it gets there right after
 * {@code startHandshake} returns), or after {@code maxHold} (then kwik behaves as before). The
 * check is made only for the first datagram; later ones pass straight through.
 */
final class HandshakeGatedSocket extends DatagramSocket {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeGatedSocket.class);
    private static final String KWIK_CLIENT = "tech.kwik.core.impl.QuicClientConnectionImpl";
    private static final long POLL_NANOS = 100_000L;
    private static final AtomicLong HELD = new AtomicLong();

    private final Thread dialer;
    private final long maxHoldNanos;
    private volatile boolean open;

    /**
     * Creates the socket, bound to an ephemeral port; call it on the thread that then calls
     * kwik's {@code connect()}.
     *
     * @param maxHold the longest the first datagram is held
     * @throws SocketException if the socket cannot be created
     */
    HandshakeGatedSocket(Duration maxHold) throws SocketException {
        this.dialer = Thread.currentThread();
        this.maxHoldNanos = maxHold.toNanos();
        UdpBuffers.enlarge(this);
    }

    /** @return how many first datagrams in this JVM had to wait for the dialing thread */
    static long held() {
        return HELD.get();
    }

    @Override
    public void receive(DatagramPacket packet) throws IOException {
        super.receive(packet);
        if (!open) {
            awaitHandshakeStarted();
        }
    }

    /** Lets every datagram through from now on (the dial is over). */
    void open() {
        open = true;
    }

    private void awaitHandshakeStarted() {
        long start = System.nanoTime();
        boolean waited = false;
        while (!dialerWaitsForHandshake()) {
            if (Thread.currentThread().isInterrupted()) {
                break; // kwik is closing the connection
            }
            if (System.nanoTime() - start > maxHoldNanos) {
                LOG.debug("the dialing thread did not reach kwik's handshake wait within {} ms; passing the datagram on",
                        maxHoldNanos / 1_000_000);
                break;
            }
            waited = true;
            LockSupport.parkNanos(POLL_NANOS);
        }
        if (waited) {
            HELD.incrementAndGet();
            LOG.trace("first datagram held {} µs until the dialing thread waited for the handshake",
                    (System.nanoTime() - start) / 1000);
        }
        open = true;
    }

    private boolean dialerWaitsForHandshake() {
        if (open) {
            return true;
        }
        Thread.State state = dialer.getState();
        if (state == Thread.State.TERMINATED) {
            return true;
        }
        // cheap check first: the stack is only taken while the dialer is parked
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && waitsInConnect(dialer.getStackTrace());
    }

    /**
     * @param stack a thread's stack, innermost frame first
     * @return whether the thread waits on a latch in kwik's client {@code connect}, i.e. the first
     *         kwik frame on its stack is {@code connect} and it waits in a {@code CountDownLatch}
     */
    static boolean waitsInConnect(StackTraceElement[] stack) {
        boolean inLatch = false;
        for (StackTraceElement frame : stack) {
            String type = frame.getClassName();
            if (type.startsWith("tech.kwik.")) {
                return inLatch && type.equals(KWIK_CLIENT) && frame.getMethodName().equals("connect");
            }
            if (type.equals("java.util.concurrent.CountDownLatch") && frame.getMethodName().equals("await")) {
                inLatch = true;
            }
        }
        return false;
    }
}
