package dev.dbsync.testkit;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class TcpTlsTransportTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Issued server;
    static TestPki.Issued client;

    private final Transport transport = new TcpTlsTransport();
    private final TransportOptions options = TransportOptions.builder().idleTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir, "ca");
        server = pki.server("fo");
        client = pki.client("bo");
    }

    /** Echoes the request upper-cased after the peer half-closes, then closes. */
    private static void upperEcho(InboundStream s) throws IOException {
        byte[] in = s.input().readAllBytes();
        s.output().write((s.negotiatedAlpn() + ":" + new String(in, StandardCharsets.UTF_8).toUpperCase())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String exchange(TransportConnection c, String text) throws IOException {
        try (TransportStream s = c.openStream()) {
            s.output().write(text.getBytes(StandardCharsets.UTF_8));
            s.output().close();
            return new String(s.input().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void isRegisteredForServiceLoaderOnBothPaths() throws IOException {
        assertThat(TcpTlsTransport.class.getModule().getDescriptor().provides())
                .anySatisfy(p -> {
                    assertThat(p.service()).isEqualTo(Transport.class.getName());
                    assertThat(p.providers()).containsExactly(TcpTlsTransport.class.getName());
                });
        try (InputStream in = TcpTlsTransport.class.getModule()
                .getResourceAsStream("META-INF/services/" + Transport.class.getName())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(TcpTlsTransport.class.getName());
        }
    }

    @Test
    void carriesOneStreamEachWayWithHalfCloseAndPrefersTheDialersFirstAlpn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TlsSettings fo = TlsSettings.server(server.certFile(), server.keyFile());
            try (TransportListener l = transport.listen(LOOPBACK, fo, Set.of("a", "b"), options,
                    TcpTlsTransportTest::upperEcho);
                 TransportConnection c = transport.dial(new Endpoint("127.0.0.1", l.port()),
                         TlsSettings.clientWithCa(pki.caFile()), List.of("x", "b", "a"), options)) {
                assertThat(c.negotiatedAlpn()).isEqualTo("b");
                assertThat(c.peerCertificates().get(0)).isEqualTo(server.certificate());
                assertThat(exchange(c, "hello")).isEqualTo("b:HELLO");
                assertThatThrownBy(c::openStream).isInstanceOf(TransportException.class)
                        .hasMessageContaining("one stream per connection");
            }
        });
    }

    @Test
    void refusesAHandshakeWithNoCommonAlpn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TlsSettings fo = TlsSettings.server(server.certFile(), server.keyFile());
            try (TransportListener l = transport.listen(LOOPBACK, fo, Set.of("a"), options, s -> { })) {
                assertThatThrownBy(() -> transport.dial(new Endpoint("localhost", l.port()),
                        TlsSettings.clientWithCa(pki.caFile()), List.of("z"), options))
                        .isInstanceOf(TransportException.class);
            }
        });
    }

    @Test
    void verifiesTheServerName() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TestPki.Issued other = pki.issue("elsewhere", true, TestPki.KeyType.EC,
                    Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(2), "elsewhere.example");
            TlsSettings fo = TlsSettings.server(other.certFile(), other.keyFile());
            try (TransportListener l = transport.listen(LOOPBACK, fo, Set.of("a"), options, s -> { })) {
                assertThatThrownBy(() -> transport.dial(new Endpoint("127.0.0.1", l.port()),
                        TlsSettings.clientWithCa(pki.caFile()), List.of("a"), options))
                        .isInstanceOf(TransportException.class).hasMessageContaining("TLS handshake failed");
                try (TransportConnection c = transport.dial(new Endpoint("127.0.0.1", l.port()),
                        TlsSettings.insecureClient(), List.of("a"), options)) {
                    assertThat(c.negotiatedAlpn()).isEqualTo("a");
                }
            }
        });
    }

    @Test
    void mutualTlsAcceptsAClientCertificateFromTheCaAndRefusesNone() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TlsSettings fo = TlsSettings.mutualServer(server.certFile(), server.keyFile(), pki.caFile());
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
            try (TransportListener l = transport.listen(LOOPBACK, fo, Set.of("a"), options, s -> {
                seen.add(s.peerCertificates().get(0).getSubjectX500Principal().getName());
                upperEcho(s);
            })) {
                Endpoint ep = new Endpoint("localhost", l.port());
                try (TransportConnection c = transport.dial(ep,
                        TlsSettings.mutualClient(pki.caFile(), client.certFile(), client.keyFile()), List.of("a"), options)) {
                    assertThat(exchange(c, "hi")).isEqualTo("a:HI");
                }
                assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("CN=bo");
                // TLS 1.3: the refusal of a missing client certificate shows on the first read
                assertThatThrownBy(() -> {
                    try (TransportConnection c = transport.dial(ep, TlsSettings.clientWithCa(pki.caFile()),
                            List.of("a"), options)) {
                        exchange(c, "hi");
                    }
                }).isInstanceOfAny(IOException.class, TransportException.class);
                assertThat(seen).isEmpty();
            }
        });
    }

    @Test
    void abortFailsThePeersPendingRead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TlsSettings fo = TlsSettings.server(server.certFile(), server.keyFile());
            BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
            CountDownLatch reading = new CountDownLatch(1);
            try (TransportListener l = transport.listen(LOOPBACK, fo, Set.of("a"), options, s -> {
                try {
                    s.input().read();
                    reading.countDown();
                    outcome.add(s.input().readAllBytes().length);
                } catch (IOException e) {
                    outcome.add(e);
                }
            })) {
                TransportConnection c = transport.dial(new Endpoint("127.0.0.1", l.port()),
                        TlsSettings.clientWithCa(pki.caFile()), List.of("a"), options);
                TransportStream s = c.openStream();
                s.output().write(new byte[1000]);
                // abort only once the peer is reading: a reset that beats the listener's side of the
                // TLS handshake only fails that handshake, and no handler ever sees the stream
                assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
                s.output().write(new byte[1000]);
                s.abort(7);
                assertThat(outcome.poll(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
                InputStream in = s.input();
                assertThatThrownBy(in::read).isInstanceOf(IOException.class);
                c.close();
            }
        });
    }

    @Test
    void closesConnectionsBeyondTheLimit() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TlsSettings fo = TlsSettings.server(server.certFile(), server.keyFile());
            TransportOptions one = options.toBuilder().maxConnections(1).build();
            try (TransportListener l = transport.listen(LOOPBACK, fo, Set.of("a"), one,
                    TcpTlsTransportTest::upperEcho);
                 TransportConnection first = transport.dial(new Endpoint("127.0.0.1", l.port()),
                         TlsSettings.clientWithCa(pki.caFile()), List.of("a"), options)) {
                assertThatThrownBy(() -> transport.dial(new Endpoint("127.0.0.1", l.port()),
                        TlsSettings.clientWithCa(pki.caFile()), List.of("a"), options))
                        .isInstanceOf(TransportException.class);
                assertThat(exchange(first, "ok")).isEqualTo("a:OK");
            }
        });
    }
}
