package dev.dbsync.transport.netty;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.dbsync.transport.netty.QuicFixture.LOOPBACK_ANY_PORT;
import static dev.dbsync.transport.netty.QuicFixture.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NettyTransportTest {
    private static final List<String> ALPN = List.of("dbsync/1");
    private static final TransportOptions OPTIONS = TransportOptions.builder()
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static QuicFixture fx;
    private final NettyTransport netty = new NettyTransport();

    @BeforeAll
    static void pki() {
        fx = new QuicFixture(dir);
    }

    @Test
    void isAvailableWithTheNativeModuleAndRegistersByName() {
        assertThat(netty.unavailabilityCause()).isEmpty();
        assertThat(netty.isAvailable()).isTrue();
        assertThat(netty.name()).isEqualTo("netty");
        assertThat(netty.priority()).isEqualTo(100);
    }

    @Test
    void roundTripDeliversEveryByteAndTheAnswer() throws Exception {
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest);
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS);
             TransportStream s = c.openStream()) {
            assertThat(c.negotiatedAlpn()).isEqualTo("dbsync/1");
            assertThat(c.peerCertificates()).first().extracting(X509Certificate::getSubjectX500Principal)
                    .hasToString("CN=fo");
            assertThat(QuicFixture.sendAndReadAnswer(s, 3_000_001, 1)).isEqualTo(QuicFixture.expectedAnswer(3_000_001, 1));
        }
    }

    @Test
    void transfers64MiBWithMatchingSha256() throws Exception {
        long size = 64L << 20;
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest);
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
            TransportStream s = c.openStream();
            assertThat(QuicFixture.sendAndReadAnswer(s, size, 64)).isEqualTo(QuicFixture.expectedAnswer(size, 64));
        }
    }

    @Test
    void negotiatesTheAlpnIdBothSidesKnow() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.of("dbsync/2", "dbsync/1"),
                OPTIONS, s -> {
                    seen.set(s.negotiatedAlpn());
                    QuicFixture.answerDigest(s);
                });
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), List.of("other/9", "dbsync/1"),
                     OPTIONS)) {
            assertThat(c.negotiatedAlpn()).isEqualTo("dbsync/1");
            QuicFixture.sendAndReadAnswer(c.openStream(), 10, 2);
            assertThat(seen.get()).isEqualTo("dbsync/1");
        }
    }

    @Test
    void refusesDialWithNoAlpnIdInCommon() {
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.of("dbsync/2"), OPTIONS,
                QuicFixture::answerDigest)) {
            assertThatThrownBy(() -> netty.dial(endpoint(l.port()), fx.pinnedClient(), List.of("dbsync/1"), OPTIONS))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("no ALPN id in common")
                    .hasMessageContaining("dbsync/1");
        }
    }

    @Test
    void mutualTlsShowsTheClientCertificateToTheHandler() throws Exception {
        AtomicReference<List<X509Certificate>> seen = new AtomicReference<>();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.mutualServer(), Set.copyOf(ALPN), OPTIONS, s -> {
            seen.set(s.peerCertificates());
            QuicFixture.answerDigest(s);
        });
             TransportConnection c = netty.dial(endpoint(l.port()), fx.mutualClient(), ALPN, OPTIONS)) {
            assertThat(QuicFixture.sendAndReadAnswer(c.openStream(), 1 << 20, 3))
                    .isEqualTo(QuicFixture.expectedAnswer(1 << 20, 3));
            assertThat(seen.get()).first().extracting(X509Certificate::getSubjectX500Principal).hasToString("CN=bo");
        }
    }

    @RepeatedTest(5)
    void mutualTlsRefusesClientWithoutCertificate() {
        assertRogueRefused(fx.pinnedClient());
    }

    @RepeatedTest(5)
    void mutualTlsRefusesClientCertificateFromAnotherCa() {
        assertRogueRefused(fx.rogueMutualClient());
    }

    private void assertRogueRefused(dev.dbsync.api.tls.TlsSettings rogueTls) {
        AtomicInteger served = new AtomicInteger();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.mutualServer(), Set.copyOf(ALPN), OPTIONS, s -> {
            served.incrementAndGet();
            QuicFixture.answerDigest(s);
        })) {
            Throwable t = catchThrowable(() -> {
                try (TransportConnection c = netty.dial(endpoint(l.port()), rogueTls, ALPN, OPTIONS)) {
                    QuicFixture.sendAndReadAnswer(c.openStream(), 1 << 20, 4);
                }
            });
            assertThat(t).isInstanceOf(TransportException.class).hasMessageContaining("TLS authentication failed");
            // a good client is still served afterwards
            try (TransportConnection c = netty.dial(endpoint(l.port()), fx.mutualClient(), ALPN, OPTIONS)) {
                QuicFixture.sendAndReadAnswer(c.openStream(), 10, 5);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThat(served).hasValue(1);
        }
    }

    @Test
    void refusesListenerWhoseCertificateDoesNotNameTheHost() {
        var wrongHost = dev.dbsync.api.tls.TlsSettings.server(fx.otherHostServer.certFile(), fx.otherHostServer.keyFile());
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, wrongHost, Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest)) {
            assertThatThrownBy(() -> netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("TLS handshake failed");
        }
    }

    @Test
    void refusesListenerSignedByAnotherCa() {
        var rogueServer = fx.rogue.server("fake-fo");
        var tls = dev.dbsync.api.tls.TlsSettings.server(rogueServer.certFile(), rogueServer.keyFile());
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, tls, Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest)) {
            assertThatThrownBy(() -> netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("TLS handshake failed");
        }
    }

    @Test
    void insecureClientConnectsToAnyListener() throws Exception {
        var wrongHost = dev.dbsync.api.tls.TlsSettings.server(fx.otherHostServer.certFile(), fx.otherHostServer.keyFile());
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, wrongHost, Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest);
             TransportConnection c = netty.dial(endpoint(l.port()), dev.dbsync.api.tls.TlsSettings.insecureClient(),
                     ALPN, OPTIONS)) {
            assertThat(QuicFixture.sendAndReadAnswer(c.openStream(), 100, 6)).isEqualTo(QuicFixture.expectedAnswer(100, 6));
        }
    }

    @Test
    void bindsPortZeroAndReleasesThePortOnClose() throws Exception {
        TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest);
        int port = l.port();
        assertThat(port).isPositive();
        assertThat(l.localAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        try (TransportConnection c = netty.dial(endpoint(port), fx.pinnedClient(), ALPN, OPTIONS)) {
            QuicFixture.sendAndReadAnswer(c.openStream(), 10, 7);
            l.close();
            l.close();
        }
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void closingTheListenerFailsItsOpenConnections() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS, s -> {
            inHandler.countDown();
            s.input().readAllBytes();
        });
        try (TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
            TransportStream s = c.openStream();
            s.output().write(1);
            s.output().flush();
            assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
            l.close();
            assertThatThrownBy(() -> s.input().read()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void serves32ConcurrentConnections() throws Exception {
        int n = 32;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS,
                QuicFixture::answerDigest)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long seed = 100 + i;
                answers.add(pool.submit(() -> {
                    try (TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
                        return QuicFixture.sendAndReadAnswer(c.openStream(), 256 << 10, seed);
                    }
                }));
            }
            for (int i = 0; i < n; i++) {
                assertThat(answers.get(i).get(50, TimeUnit.SECONDS)).isEqualTo(QuicFixture.expectedAnswer(256 << 10, 100 + i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimitWithoutDisturbingOthers() throws Exception {
        TransportOptions two = OPTIONS.toBuilder().maxConnections(2).build();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), two,
                QuicFixture::answerDigest);
             TransportConnection a = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS);
             TransportConnection b = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
            Throwable t = catchThrowable(() -> {
                try (TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
                    QuicFixture.sendAndReadAnswer(c.openStream(), 10, 8);
                }
            });
            assertThat(t).isInstanceOfAny(TransportException.class, IOException.class);
            assertThat(QuicFixture.sendAndReadAnswer(a.openStream(), 1000, 9)).isEqualTo(QuicFixture.expectedAnswer(1000, 9));
            assertThat(QuicFixture.sendAndReadAnswer(b.openStream(), 1000, 10)).isEqualTo(QuicFixture.expectedAnswer(1000, 10));
        }
    }

    @Test
    void halfCloseLetsThePeerReadEndOfStreamThenAnswer() throws Exception {
        StreamHandler upperCase = s -> {
            byte[] all = s.input().readAllBytes();
            assertThat(s.input().read()).isEqualTo(-1);
            s.output().write(new String(all, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
        };
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS, upperCase);
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS);
             TransportStream s = c.openStream()) {
            s.output().write("hello".getBytes(StandardCharsets.US_ASCII));
            s.output().close();
            assertThatThrownBy(() -> s.output().write(1)).isInstanceOf(IOException.class);
            assertThat(new String(s.input().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("HELLO");
        }
    }

    @Test
    void abortFailsThePeersReadWithTheCode() throws Exception {
        CompletableFuture<Throwable> handlerSaw = new CompletableFuture<>();
        CountDownLatch gotData = new CountDownLatch(1);
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS, s -> {
            InputStream in = s.input();
            in.read();
            gotData.countDown();
            handlerSaw.complete(catchThrowable(() -> {
                while (in.read() >= 0) {
                    // drain until the reset arrives
                }
            }));
        });
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
            TransportStream s = c.openStream();
            s.output().write(new byte[1000]);
            s.output().flush();
            assertThat(gotData.await(10, TimeUnit.SECONDS)).isTrue();
            s.abort(7);
            s.abort(7);
            assertThat(handlerSaw.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessageContaining("7");
            assertThatThrownBy(() -> s.output().write(1)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> s.input().read()).isInstanceOf(IOException.class);
            // the connection still works
            assertThat(c.openStream()).isNotNull();
        }
    }

    @Test
    void aFailingHandlerAbortsOnlyItsOwnStream() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StreamHandler failsFirst = s -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            QuicFixture.answerDigest(s);
        };
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS, failsFirst);
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
            TransportStream first = c.openStream();
            first.output().write(1);
            first.output().flush();
            assertThatThrownBy(() -> first.input().read()).isInstanceOf(IOException.class);
            assertThat(QuicFixture.sendAndReadAnswer(c.openStream(), 5000, 11)).isEqualTo(QuicFixture.expectedAnswer(5000, 11));
        }
    }

    @Test
    void aSlowReaderBlocksTheWriterInsteadOfBufferingTheFile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TransportOptions small = OPTIONS.toBuilder().streamWindow(1 << 20).connectionWindow(2 << 20).build();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), small, s -> {
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            QuicFixture.answerDigest(s);
        });
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, small)) {
            TransportStream s = c.openStream();
            AtomicLong written = new AtomicLong();
            long size = 32L << 20;
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = s.output()) {
                    QuicFixture.write(new OutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            write(new byte[] {(byte) b}, 0, 1);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                            written.addAndGet(len);
                        }
                    }, size, 12);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long last = -1;
            while (System.nanoTime() < deadline) {
                Thread.sleep(300);
                long now = written.get();
                if (now == last) {
                    break;
                }
                last = now;
            }
            // the writer is stuck: at most the windows plus what the transport may hold in flight
            assertThat(writer).isNotDone();
            assertThat(written.get()).isPositive().isLessThan(8L << 20);
            release.countDown();
            writer.get(30, TimeUnit.SECONDS);
            assertThat(new String(s.input().readAllBytes(), StandardCharsets.US_ASCII).strip())
                    .isEqualTo(QuicFixture.expectedAnswer(size, 12));
        }
    }

    @Test
    void handlersRunOnNamedThreadsOffTheEventLoop() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), OPTIONS, s -> {
            names.add(Thread.currentThread().getName());
            QuicFixture.answerDigest(s);
        });
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, OPTIONS)) {
            QuicFixture.sendAndReadAnswer(c.openStream(), 10, 13);
        }
        assertThat(names).singleElement().asString().matches("dbsync-netty-\\d+");
    }

    @Test
    void keepAliveHoldsAnIdleConnectionOpenPastTheIdleTimeout() throws Exception {
        TransportOptions pinging = OPTIONS.toBuilder().idleTimeout(java.time.Duration.ofMillis(1000))
                .keepAlive(java.time.Duration.ofMillis(200)).build();
        TransportOptions silent = pinging.toBuilder().keepAlive(java.time.Duration.ofSeconds(60)).build();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), pinging,
                QuicFixture::answerDigest);
             TransportConnection kept = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, pinging);
             TransportConnection idle = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, silent)) {
            var listener = (dev.dbsync.transport.netty.internal.QuicListener) l;
            assertThat(listener.connectionCount()).isEqualTo(2);
            // wait until the silent connection has timed out (quiche stretches the timeout to 3 PTO)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (listener.connectionCount() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            assertThat(listener.connectionCount()).isEqualTo(1);
            assertThat(QuicFixture.sendAndReadAnswer(kept.openStream(), 100, 14)).isEqualTo(QuicFixture.expectedAnswer(100, 14));
        }
    }

    @Test
    void closesAConnectionIdleForLongerThanTheIdleTimeout() throws Exception {
        TransportOptions o = OPTIONS.toBuilder().idleTimeout(java.time.Duration.ofMillis(1000))
                .keepAlive(java.time.Duration.ofSeconds(60)).build();
        try (TransportListener l = netty.listen(LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(ALPN), o,
                QuicFixture::answerDigest);
             TransportConnection c = netty.dial(endpoint(l.port()), fx.pinnedClient(), ALPN, o)) {
            var listener = (dev.dbsync.transport.netty.internal.QuicListener) l;
            assertThat(listener.connectionCount()).isEqualTo(1);
            // quiche stretches the timeout to 3 PTO, which grows on a loaded machine: poll, bounded
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (listener.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(listener.connectionCount()).isZero();
            assertThatThrownBy(() -> QuicFixture.sendAndReadAnswer(c.openStream(), 100, 15))
                    .isInstanceOfAny(TransportException.class, IOException.class);
        }
    }
}
