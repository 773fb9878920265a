package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.testkit.TestPki;
import dev.dbsync.transport.kwik.HashingPeer;
import dev.dbsync.transport.kwik.KwikTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.log.BaseLogger;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kwik 0.10.8 + agent15 3.1 lose a ServerHello that kwik handles before the dialing thread has
 * finished starting the TLS handshake ({@code TlsClientEngineImpl.startHandshake} sends the
 * ClientHello, then sets {@code status = WaitServerHello}); {@link HandshakeGatedSocket} holds the
 * listener's first datagram until the dialing thread waits in {@code connect}. The race is made
 * certain here: kwik logs the ClientHello on the dialing thread inside that window
 * ({@code sentPacketInfo}), and the test's logger keeps the dialing thread there until kwik has
 * handled the ServerHello (or, when the socket holds it back, for {@value #WINDOW_MILLIS} ms).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeGatedSocketTest {
    private static final long WINDOW_MILLIS = 500;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path dir;
    static TransportListener listener;

    @BeforeAll
    static void listen() {
        TestPki pki = TestPki.create(dir, "gate-ca");
        TestPki.Issued s = pki.server("fo");
        listener = new KwikTransport().listen(new InetSocketAddress("127.0.0.1", 0),
                TlsSettings.server(s.certFile(), s.keyFile()), Set.of("dbsync/1"), TransportOptions.defaults(),
                HashingPeer::answerWithHash);
    }

    @AfterAll
    static void close() {
        listener.close();
    }

    /**
     * Keeps the dialing thread inside kwik's handshake start (where kwik logs the ClientHello)
     * until kwik has handled the ServerHello, at most {@value #WINDOW_MILLIS} ms.
     */
    private static final class SlowHandshakeStart extends BaseLogger {
        final Thread dialer = Thread.currentThread();
        final CountDownLatch serverHelloHandled = new CountDownLatch(1);
        final AtomicBoolean serverHelloBeforeStartReturned = new AtomicBoolean();
        final AtomicBoolean inWindow = new AtomicBoolean();

        @Override
        public void sentPacketInfo(String info) {
            if (Thread.currentThread() == dialer && info.contains("ClientHello") && inWindow.compareAndSet(false, true)) {
                try {
                    serverHelloBeforeStartReturned.set(serverHelloHandled.await(WINDOW_MILLIS, TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void receivedPacketInfo(String info) {
            if (info.contains("ServerHello")) {
                serverHelloHandled.countDown();
            }
        }

        @Override
        protected void log(String message) {
        }

        @Override
        protected void log(String message, Throwable ex) {
        }

        @Override
        protected void logWithHexDump(String message, byte[] data, int length) {
        }

        @Override
        protected void logWithHexDump(String message, ByteBuffer data, int offset, int length) {
        }
    }

    private static QuicClientConnection client(SlowHandshakeStart log, boolean gated) throws IOException {
        return QuicClientConnection.newBuilder()
                .host("127.0.0.1")
                .port(listener.port())
                .applicationProtocol("dbsync/1")
                .connectTimeout(CONNECT_TIMEOUT)
                .logger(log)
                .socketFactory(destination -> gated ? new HandshakeGatedSocket(Duration.ofMillis(2500)) : new DatagramSocket())
                .noServerCertificateCheck()
                .customTrustManager(InsecureTrustManager.INSTANCE)
                .build();
    }

    @Test
    void kwikLosesAServerHelloHandledBeforeItsHandshakeStartReturned() throws IOException {
        // the defect contained, shown with a plain socket: if this starts to pass, kwik has fixed it
        SlowHandshakeStart log = new SlowHandshakeStart();
        QuicClientConnection c = client(log, false);
        try {
            assertThatThrownBy(c::connect).isInstanceOf(ConnectException.class).hasMessageContaining("timed out");
            assertThat(log.serverHelloBeforeStartReturned).as("the ServerHello was handled inside the window").isTrue();
        } finally {
            c.close();
        }
    }

    @Test
    void holdsTheFirstDatagramUntilTheDialerWaitsForTheHandshake() throws IOException {
        SlowHandshakeStart log = new SlowHandshakeStart();
        long heldBefore = HandshakeGatedSocket.held();
        QuicClientConnection c = client(log, true);
        try {
            c.connect();
            assertThat(c.isConnected()).isTrue();
            assertThat(log.serverHelloBeforeStartReturned).as("the ServerHello waited for the handshake start").isFalse();
            assertThat(HandshakeGatedSocket.held()).isGreaterThan(heldBefore);
        } finally {
            c.close();
        }
    }

    @Test
    void recognisesOnlyTheWaitInKwiksConnect() {
        StackTraceElement park = new StackTraceElement("jdk.internal.misc.Unsafe", "park", null, -1);
        StackTraceElement await = new StackTraceElement("java.util.concurrent.CountDownLatch", "await", null, 276);
        StackTraceElement connect = new StackTraceElement("tech.kwik.core.impl.QuicClientConnectionImpl", "connect", null, 386);
        StackTraceElement send = new StackTraceElement("tech.kwik.core.impl.QuicClientConnectionImpl$1", "send", null, 210);
        StackTraceElement sleep = new StackTraceElement("java.lang.Thread", "sleep", null, -1);
        assertThat(HandshakeGatedSocket.waitsInConnect(new StackTraceElement[] {park, await, connect})).isTrue();
        assertThat(HandshakeGatedSocket.waitsInConnect(new StackTraceElement[] {sleep, send, connect})).isFalse();
        assertThat(HandshakeGatedSocket.waitsInConnect(new StackTraceElement[] {park, await, send, connect})).isFalse();
        assertThat(HandshakeGatedSocket.waitsInConnect(new StackTraceElement[] {park, connect})).isFalse();
    }
}
