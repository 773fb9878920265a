package dev.dbsync.transport.kwik;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KwikTransportTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final Set<String> ALPN = Set.of("dbsync/1");
    private static final List<String> OFFER = List.of("dbsync/1");

    @TempDir
    static Path dir;
    static TestPki pki;
    static TlsSettings server;
    static TlsSettings client;

    private final Transport kwik = new KwikTransport();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir, "test-ca");
        TestPki.Issued s = pki.server("fo");
        server = TlsSettings.server(s.certFile(), s.keyFile());
        client = TlsSettings.clientWithCa(pki.caFile());
    }

    private TransportListener hashListener(TlsSettings tls, Set<String> alpn, TransportOptions options) {
        return kwik.listen(LOOPBACK, tls, alpn, options, HashingPeer::answerWithHash);
    }

    private static void assertRoundTrip(TransportConnection c, long size, long seed) throws IOException {
        try (TransportStream s = c.openStream()) {
            String[] r = HashingPeer.sendAndReadReply(s, size, seed);
            assertThat(r[1]).startsWith(r[0] + " ");
        }
    }

    @Test
    void isRegisteredForServiceLoaderBothWaysAsKwikWithPriorityTen() throws IOException {
        Module module = KwikTransport.class.getModule();
        if (module.isNamed()) {
            assertThat(module.getDescriptor().provides()).anySatisfy(p -> {
                assertThat(p.service()).isEqualTo(Transport.class.getName());
                assertThat(p.providers()).containsExactly(KwikTransport.class.getName());
            });
            assertThat(module.getDescriptor().exports()).extracting(ModuleDescriptor.Exports::source)
                    .containsExactly("dev.dbsync.transport.kwik");
        }
        try (var in = KwikTransport.class.getResourceAsStream("/META-INF/services/" + Transport.class.getName())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(KwikTransport.class.getName());
        }
        Transport found = new KwikTransport();
        assertThat(found.name()).isEqualTo("kwik");
        assertThat(found.isAvailable()).isTrue();
        assertThat(found.unavailabilityCause()).isEmpty();
        assertThat(found.priority()).isEqualTo(10);
    }

    @Test
    void roundTripsDataWithMatchingSha256AndReportsTheServerChain() throws Exception {
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults())) {
            assertThat(c.negotiatedAlpn()).isEqualTo("dbsync/1");
            assertThat(c.peerCertificates()).isNotEmpty();
            assertThat(c.peerCertificates().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=fo");
            assertRoundTrip(c, 3 * 1024 * 1024 + 17, 1);
            assertRoundTrip(c, 0, 2);
        }
    }

    @Test
    void aDialOrAStreamIsNotCutShortByAnInterruptWhichItKeepsForTheCaller() throws Exception {
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults())) {
            // kwik's wake-up interrupts can land on a thread after its read returned
            Thread.currentThread().interrupt();
            TransportConnection c;
            try {
                c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults());
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is restored").isTrue();
            }
            try (c) {
                Thread.currentThread().interrupt();
                try {
                    assertRoundTrip(c, 10_000, 5);
                } finally {
                    Thread.interrupted();
                }
            }
        }
    }

    @Test
    void dialsAnIpLiteralCheckingTheCertificatesIpSans() throws Exception {
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("127.0.0.1", l.port()), client, OFFER, TransportOptions.defaults())) {
            assertRoundTrip(c, 100_000, 3);
        }
    }

    @Test
    void servesAnRsaCertificate() throws Exception {
        TestPki.Issued rsa = pki.issue("fo-rsa", true, TestPki.KeyType.RSA, Instant.now().minusSeconds(3600),
                Duration.ofDays(30), "localhost");
        try (TransportListener l = hashListener(TlsSettings.server(rsa.certFile(), rsa.keyFile()), ALPN, TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults())) {
            assertRoundTrip(c, 200_000, 4);
        }
    }

    @Test
    void negotiatesTheFirstOfferedIdTheListenerAccepts() throws Exception {
        try (TransportListener l = hashListener(server, Set.of("b", "c"), TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, List.of("a", "c", "b"),
                     TransportOptions.defaults());
             TransportStream s = c.openStream()) {
            assertThat(c.negotiatedAlpn()).isEqualTo("c");
            String[] r = HashingPeer.sendAndReadReply(s, 10, 5);
            assertThat(r[1]).endsWith(" c");
        }
    }

    @Test
    void refusesADialWithNoAlpnInCommon() {
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults())) {
            assertThatThrownBy(() -> kwik.dial(new Endpoint("localhost", l.port()), client, List.of("x", "y"),
                    TransportOptions.defaults()))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("no common ALPN id")
                    .hasMessageContaining("[x, y]");
        }
    }

    @Test
    void refusesToStartAListenerThatMustRequireClientCertificates() {
        TestPki.Issued s = pki.server("fo-mutual");
        TlsSettings mutual = TlsSettings.mutualServer(s.certFile(), s.keyFile(), pki.caFile());
        assertThatThrownBy(() -> kwik.listen(LOOPBACK, mutual, ALPN, TransportOptions.defaults(), st -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("cannot require client certificates");
    }

    @Test
    void dialsWithAClientCertificate() throws Exception {
        TestPki.Issued bo = pki.client("bo");
        TlsSettings mutualClient = TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile());
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), mutualClient, OFFER, TransportOptions.defaults())) {
            assertRoundTrip(c, 50_000, 6);
        }
    }

    @Test
    void refusesAServerSignedByAnotherCa() {
        TestPki rogueCa = TestPki.create(dir.resolve("rogue"), "rogue-ca");
        TestPki.Issued rogue = rogueCa.server("rogue");
        try (TransportListener l = hashListener(TlsSettings.server(rogue.certFile(), rogue.keyFile()), ALPN,
                TransportOptions.defaults())) {
            assertThatThrownBy(() -> kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults()))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("server certificate refused");
        }
    }

    @Test
    void refusesAServerCertificateForAnotherHostName() {
        TestPki.Issued other = pki.issue("other", true, TestPki.KeyType.EC, Instant.now().minusSeconds(3600),
                Duration.ofDays(30), "other.example");
        try (TransportListener l = hashListener(TlsSettings.server(other.certFile(), other.keyFile()), ALPN,
                TransportOptions.defaults())) {
            assertThatThrownBy(() -> kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults()))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("not valid for localhost");
            assertThatThrownBy(() -> kwik.dial(new Endpoint("127.0.0.1", l.port()), client, OFFER, TransportOptions.defaults()))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("not valid for 127.0.0.1");
        }
    }

    @Test
    void insecureClientAcceptsAnUnknownServer() throws Exception {
        TestPki.Issued other = pki.issue("other2", true, TestPki.KeyType.EC, Instant.now().minusSeconds(3600),
                Duration.ofDays(30), "other.example");
        try (TransportListener l = hashListener(TlsSettings.server(other.certFile(), other.keyFile()), ALPN,
                TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("127.0.0.1", l.port()), TlsSettings.insecureClient(), OFFER,
                     TransportOptions.defaults())) {
            assertRoundTrip(c, 1000, 7);
        }
    }

    @Test
    void bindsPortZeroAndReportsTheRealPort() {
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults())) {
            assertThat(l.port()).isPositive();
            assertThat(l.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThatThrownBy(() -> new DatagramSocket(l.localAddress()).close()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void closeReleasesThePortPromptlyAndStopsKwiksThreads() throws Exception {
        Set<Thread> before = receiveLoops();
        TransportListener l = hashListener(server, ALPN, TransportOptions.defaults());
        Set<Thread> ours = receiveLoops();
        ours.removeAll(before);
        assertThat(ours).hasSize(1);
        try (TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults())) {
            assertRoundTrip(c, 1000, 8);
        }
        long start = System.nanoTime();
        l.close();
        l.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertPortReleased(l);
        // kwik's non-daemon receive loop ends once kwik has closed its connections (at most 30 s)
        Thread loop = ours.iterator().next();
        loop.join(TimeUnit.SECONDS.toMillis(40));
        assertThat(loop.isAlive()).isFalse();
    }

    private static Set<Thread> receiveLoops() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("server receive loop"))
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void serves32ConcurrentConnections() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        // 32 handshakes at once on a shared 2-core machine: allow them time
        TransportOptions patient = TransportOptions.builder().connectTimeout(Duration.ofSeconds(60)).build();
        try (TransportListener l = hashListener(server, ALPN, patient)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                long seed = 100 + i;
                all.add(pool.submit(() -> {
                    try (TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, patient)) {
                        assertRoundTrip(c, 128 * 1024, seed);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(140, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimitWithoutHarmingTheOthers() throws Exception {
        TransportOptions two = TransportOptions.builder().maxConnections(2).build();
        try (TransportListener l = hashListener(server, ALPN, two);
             TransportConnection a = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, two);
             TransportConnection b = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, two)) {
            assertRoundTrip(a, 1000, 9);
            assertThatThrownBy(() -> {
                try (TransportConnection third = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, two)) {
                    assertRoundTrip(third, 1000, 10);
                }
            }).isInstanceOfAny(IOException.class, TransportException.class);
            assertRoundTrip(b, 1000, 11);
            assertRoundTrip(a, 1000, 12);
        }
    }

    @Test
    void hostileDatagramsDoNotDisturbAConnection() throws Exception {
        try (TransportListener l = hashListener(server, ALPN, TransportOptions.defaults());
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults());
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(99);
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                if (i % 3 == 0) {
                    junk[0] = (byte) 0xc0; // long header, version 1: parsed as an Initial
                    if (junk.length > 5) {
                        junk[1] = 0;
                        junk[2] = 0;
                        junk[3] = 0;
                        junk[4] = 1;
                    }
                }
                attacker.send(new java.net.DatagramPacket(junk, junk.length, l.localAddress()));
            }
            assertRoundTrip(c, 1024 * 1024, 13);
            long start = System.nanoTime();
            l.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close with half-open junk connections")
                    .isLessThan(Duration.ofSeconds(8));
            assertPortReleased(l);
        }
    }

    /**
     * The port can be bound again within 10 s of close(): kwik closes its socket on its own
     * receive thread, which may finish just after close() returns.
     */
    private static void assertPortReleased(TransportListener l) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (DatagramSocket again = new DatagramSocket(l.localAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(l.port());
                return;
            } catch (java.net.BindException stillBound) {
                if (System.nanoTime() > deadline) {
                    throw stillBound;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void halfCloseLetsTheListenerSpeakFirstAndStillRead() throws Exception {
        StreamHandler greetThenRead = s -> {
            s.output().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            s.output().close();
            byte[] got = s.input().readAllBytes();
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("world");
        };
        try (TransportListener l = kwik.listen(LOOPBACK, server, ALPN, TransportOptions.defaults(), greetThenRead);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults());
             TransportStream s = c.openStream()) {
            s.output().write("wor".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.input().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
            s.output().write("ld".getBytes(StandardCharsets.US_ASCII));
            s.output().close();
        }
    }

    @Test
    void abortFailsThePeersReadAndSparesOtherStreams() throws Exception {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        StreamHandler h = s -> {
            byte[] first = s.input().readNBytes(5);
            if (new String(first, StandardCharsets.US_ASCII).equals("abort")) {
                reading.countDown();
                try {
                    s.input().readAllBytes();
                    seen.complete(null);
                } catch (IOException e) {
                    seen.complete(e);
                }
            } else {
                s.output().write(first);
            }
        };
        try (TransportListener l = kwik.listen(LOOPBACK, server, ALPN, TransportOptions.defaults(), h);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults())) {
            TransportStream doomed = c.openStream();
            doomed.output().write("abort".getBytes(StandardCharsets.US_ASCII));
            assertThat(reading.await(20, TimeUnit.SECONDS)).isTrue();
            doomed.output().write(new byte[1000]);
            doomed.abort(42);
            assertThat(seen.get(20, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> doomed.input().read()).isInstanceOf(IOException.class);
            try (TransportStream fine = c.openStream()) {
                fine.output().write("hello".getBytes(StandardCharsets.US_ASCII));
                fine.output().close();
                assertThat(new String(fine.input().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            }
        }
    }

    @Test
    void aFailingHandlerAbortsOnlyItsStream() throws Exception {
        StreamHandler h = s -> {
            int b = s.input().read();
            if (b == 'x') {
                throw new IllegalStateException("handler failure under test");
            }
            s.output().write(b);
        };
        try (TransportListener l = kwik.listen(LOOPBACK, server, ALPN, TransportOptions.defaults(), h);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, TransportOptions.defaults())) {
            try (TransportStream bad = c.openStream()) {
                bad.output().write('x');
                bad.output().close();
                assertThatThrownBy(() -> bad.input().readAllBytes()).isInstanceOf(IOException.class);
            }
            try (TransportStream good = c.openStream()) {
                good.output().write('y');
                good.output().close();
                assertThat(good.input().readAllBytes()).containsExactly('y');
            }
        }
    }

    @Test
    void aStalledPeerCannotHoldTheListenersReadForever() throws Exception {
        TransportOptions shortIdle = TransportOptions.builder().idleTimeout(Duration.ofSeconds(3))
                .keepAlive(Duration.ofSeconds(1)).build();
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        StreamHandler h = s -> {
            try {
                s.input().readAllBytes();
                seen.complete(null);
            } catch (IOException e) {
                seen.complete(e);
            }
        };
        try (TransportListener l = kwik.listen(LOOPBACK, server, ALPN, shortIdle, h);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, OFFER, shortIdle);
             TransportStream s = c.openStream()) {
            s.output().write(1);
            // our read timeout (SocketTimeoutException) or, on a loaded machine, the idle timeout
            // of the same length closing the connection first
            assertThat(seen.get(20, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        }
    }
}
