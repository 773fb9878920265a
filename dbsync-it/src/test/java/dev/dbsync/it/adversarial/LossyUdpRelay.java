package dev.dbsync.it.adversarial;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay on loopback that drops a share of the datagrams in each direction: packet loss
 * without privileges (tc netem needs root, a network namespace and the sch_netem module).
 * Each client address gets its own upstream socket, so QUIC connections keep their identity.
 */
final class LossyUdpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final double loss;
    private final Random random;
    private final DatagramChannel front;
    private final Map<SocketAddress, DatagramChannel> upstreams = new ConcurrentHashMap<>();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param target the real listener
     * @param loss the probability that a datagram is dropped, each direction
     * @param seed makes the drops repeatable in sequence
     */
    LossyUdpRelay(InetSocketAddress target, double loss, long seed) throws IOException {
        this.target = target;
        this.loss = loss;
        this.random = new Random(seed);
        this.front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        thread("relay-front", this::frontLoop);
    }

    int port() throws IOException {
        return ((InetSocketAddress) front.getLocalAddress()).getPort();
    }

    long relayed() {
        return relayed.get();
    }

    long dropped() {
        return dropped.get();
    }

    private static void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private boolean drop() {
        synchronized (random) {
            if (random.nextDouble() < loss) {
                dropped.incrementAndGet();
                return true;
            }
        }
        relayed.incrementAndGet();
        return false;
    }

    private void frontLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (!closed) {
                buf.clear();
                SocketAddress client = front.receive(buf);
                DatagramChannel up = upstreams.computeIfAbsent(client, this::openUpstream);
                buf.flip();
                if (up != null && !drop()) {
                    up.write(buf);
                }
            }
        } catch (ClosedChannelException e) {
            // closed
        } catch (IOException e) {
            if (!closed) {
                throw new IllegalStateException(e);
            }
        }
    }

    private DatagramChannel openUpstream(SocketAddress client) {
        try {
            DatagramChannel up = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)).connect(target);
            thread("relay-back", () -> backLoop(up, client));
            return up;
        } catch (IOException e) {
            return null;
        }
    }

    private void backLoop(DatagramChannel up, SocketAddress client) {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (!closed) {
                buf.clear();
                up.receive(buf);
                buf.flip();
                if (!drop()) {
                    front.send(buf, client);
                }
            }
        } catch (IOException e) {
            // closed, or the listener went away
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        front.close();
        for (DatagramChannel c : upstreams.values()) {
            c.close();
        }
    }
}
