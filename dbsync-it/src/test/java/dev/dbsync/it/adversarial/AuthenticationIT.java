package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.cli.Main;
import dev.dbsync.core.DeliveryState;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.SnapshotPusher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Authentication over real QUIC (netty) on loopback: with mutual TLS a publisher without a
 * certificate, with one from another CA, or with an expired one is refused before the
 * protocol starts (the subscriber's handler never sees a byte); a publisher pinning a CA
 * refuses a subscriber certified by another; the insecure dialer mode is never a default.
 */
@Tag("adversarial")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AuthenticationIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestPki pki;
    private TestPki rogue;
    private Transport transport;
    private SimpleMeterRegistry meters;
    private Subscriber subscriber;
    private Path snapshot;
    private SnapshotMeta meta;

    @BeforeEach
    void start() throws Exception {
        transport = Transports.named("netty");
        pki = TestPki.create(dir.resolve("pki"), "ca");
        rogue = TestPki.create(dir.resolve("rogue"), "rogue-ca");
        TestPki.Issued fo = pki.server("fo");
        meters = new SimpleMeterRegistry();
        subscriber = Subscriber.builder().dbPath(dir.resolve("fo").resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile())).transport(transport)
                .minFreeSpace(0).meterRegistry(meters).build().start();
        snapshot = Files.createDirectories(dir.resolve("bo")).resolve("snap.db");
        meta = SnapshotFiles.create(snapshot, 1, 64 * 1024);
    }

    @AfterEach
    void stop() {
        subscriber.close();
    }

    private Endpoint endpoint() {
        return new Endpoint("127.0.0.1", subscriber.localAddress().getPort());
    }

    /** A dialer with these settings gets nowhere: no stream reaches the subscriber's protocol. */
    private void assertRefusedBeforeTheProtocol(TlsSettings dialer) throws Exception {
        SnapshotPusher pusher = SnapshotPusher.builder().transport(transport).tls(dialer).build();
        assertThatThrownBy(() -> pusher.push(endpoint(), meta, snapshot))
                .isInstanceOf(dev.dbsync.api.DbsyncException.class);
        // the same dialer speaking the protocol by hand: the handshake fails, or (TLS 1.3 tells a
        // client of its refusal late) the first read or write does
        Optional<HostileClient.Reply> reply = Optional.empty();
        try (HostileClient c = HostileClient.dial(transport, endpoint(), dialer, HostileClient.V2)) {
            c.send(Attack.header(meta, true));
            reply = c.readReply(WAIT);
        } catch (dev.dbsync.api.DbsyncException | java.io.IOException refused) {
            // refused at the handshake or at the first write
        }
        assertThat(reply).as("no answer to an unauthenticated offer").isEmpty();
        Thread.sleep(200);
        assertThat(subscriber.status()).as("the subscriber's protocol never ran").doesNotContainKey("last_reject_reason")
                .containsEntry("has_db", false);
        assertThat(meters.get("dbsync.subscriber.rejects").counters().stream().mapToDouble(Counter::count).sum()).isZero();
        assertThat(HostilePushIT.handlerThreads()).isEmpty();
    }

    @Test
    void aPublisherWithoutAClientCertificateIsRefusedAtTheHandshake() throws Exception {
        assertRefusedBeforeTheProtocol(TlsSettings.clientWithCa(pki.caFile()));
    }

    @Test
    void aPublisherWithACertificateFromAnotherCaIsRefusedAtTheHandshake() throws Exception {
        TestPki.Issued intruder = rogue.client("intruder");
        assertRefusedBeforeTheProtocol(TlsSettings.mutualClient(pki.caFile(), intruder.certFile(), intruder.keyFile()));
    }

    @Test
    void aPublisherWithAnExpiredCertificateIsRefusedAtTheHandshake() throws Exception {
        // settings loaded while the certificate was valid, used after it expired (a long-running publisher)
        Instant notAfter = Instant.now().plusSeconds(3);
        TestPki.Issued expiring = pki.issue("expiring-bo", false, TestPki.KeyType.EC,
                notAfter.minus(Duration.ofHours(1)), Duration.ofHours(1), "localhost");
        TlsSettings dialer = TlsSettings.mutualClient(pki.caFile(), expiring.certFile(), expiring.keyFile());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), notAfter).toMillis()) + 1500);
        assertRefusedBeforeTheProtocol(dialer);
        // and an expired certificate is refused as configuration, naming the file
        TestPki.Issued expired = pki.issue("expired-bo", false, TestPki.KeyType.EC,
                Instant.now().minus(Duration.ofDays(30)), Duration.ofDays(1), "localhost");
        assertThatThrownBy(() -> TlsSettings.mutualClient(pki.caFile(), expired.certFile(), expired.keyFile()))
                .isInstanceOf(dev.dbsync.api.TlsConfigException.class).hasMessageContaining("expired-bo.pem")
                .hasMessageContaining("expired");
    }

    @Test
    void theSameSubscriberAcceptsAProperlyCertifiedPublisher() throws Exception {
        TestPki.Issued bo = pki.client("bo");
        SnapshotPusher pusher = SnapshotPusher.builder().transport(transport)
                .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile())).build();
        assertThat(pusher.push(endpoint(), meta, snapshot).servedVersion()).isEqualTo(1);
    }

    @Test
    void aPublisherPinningItsCaRefusesASubscriberCertifiedByAnotherCa() throws Exception {
        TestPki.Issued impostor = rogue.server("impostor");
        TestPki.Issued bo = pki.client("bo");
        Path source = dir.resolve("bo.db");
        SnapshotFiles.create(source, 5, 16 * 1024);
        try (Subscriber fake = Subscriber.builder().dbPath(dir.resolve("impostor").resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0)).tls(TlsSettings.server(impostor.certFile(), impostor.keyFile()))
                .transport(transport).minFreeSpace(0).build().start();
             Publisher publisher = Publisher.builder(source, FilterSpec.builder().fullTables("t").build(),
                             dir.resolve("save").resolve("public.db"))
                     .targets(TargetProvider.of(Target.dbsync("fo", "127.0.0.1:" + fake.localAddress().getPort())))
                     .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile())).transport(transport)
                     .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
            publisher.start();
            assertThat(Poll.until(WAIT, () -> !publisher.deliveries().isEmpty()
                    && publisher.deliveries().get(0).consecutiveFailures() >= 2)).isTrue();
            DeliveryState d = publisher.deliveries().get(0);
            assertThat(d.ackedVersion()).isLessThanOrEqualTo(0);
            assertThat(d.lastError()).isPresent();
            assertThat(fake.version()).as("the impostor never received a snapshot").isZero();
            assertThat(fake.status()).doesNotContainKey("last_reject_reason");
        }
    }

    @Test
    void theInsecureDialerModeIsNeverADefault() throws Exception {
        assertThat(TlsSettings.builder().build().insecureSkipVerify()).isFalse();
        // a dialer configured with nothing does not trust our test CA's server: it verifies
        TestPki.Issued bo = pki.client("bo");
        assertRefusedBeforeTheProtocol(TlsSettings.builder().certificate(bo.certFile(), bo.keyFile()).build());
        assertThatThrownBy(() -> SnapshotPusher.builder().transport(transport).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Publisher.builder(snapshot, FilterSpec.builder().fullTables("t").build(),
                dir.resolve("p.db")).targets(TargetProvider.of()).build()).isInstanceOf(IllegalArgumentException.class);
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "publish", "--db",
                snapshot.toString(), "--filter", dir.resolve("filter.json").toString(), "--target", "fo=127.0.0.1:9443");
        assertThat(code).as("the CLI requires --ca or --insecure: %s", err).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("--ca").contains("--insecure");
    }
}
