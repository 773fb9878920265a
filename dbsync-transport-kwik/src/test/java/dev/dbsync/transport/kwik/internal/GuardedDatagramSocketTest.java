package dev.dbsync.transport.kwik.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The socket error that would make kwik 0.10.8's server call {@code System.exit(9)} is kept
 * inside the receive call until the listener shuts down. A connected UDP socket whose peer port
 * is closed gets a real ICMP "port unreachable" as an exception from {@code receive}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GuardedDatagramSocketTest {

    private static int closedPort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static void provokePortUnreachable(DatagramSocket s) throws IOException {
        s.connect(new InetSocketAddress("127.0.0.1", closedPort()));
        s.send(new DatagramPacket(new byte[] {1}, 1));
    }

    @Test
    void aPlainSocketThrowsOnReceiveAfterPortUnreachable() throws Exception {
        try (DatagramSocket plain = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            provokePortUnreachable(plain);
            plain.setSoTimeout(5000);
            assertThatThrownBy(() -> plain.receive(new DatagramPacket(new byte[1500], 1500)))
                    .isInstanceOf(PortUnreachableException.class);
        }
    }

    @Test
    void keepsReceiveErrorsFromKwikUntilTheListenerShutsDown() throws Exception {
        GuardedDatagramSocket s = new GuardedDatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        provokePortUnreachable(s);
        CompletableFuture<Thread> receiver = new CompletableFuture<>();
        CompletableFuture<Throwable> receive = CompletableFuture.supplyAsync(() -> {
            receiver.complete(Thread.currentThread());
            try {
                s.receive(new DatagramPacket(new byte[1500], 1500));
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.containedFailures() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(s.containedFailures()).isPositive();
        assertThat(receive).isNotDone();
        // our listener closes the socket (port released) before kwik marks its receiver closing
        s.shutdownStarted();
        s.close();
        Thread.sleep(200);
        assertThat(receive).isNotDone();
        // kwik's shutdown: mark closing, then interrupt the receiving thread
        receiver.get(5, TimeUnit.SECONDS).interrupt();
        assertThat(receive.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }
}
