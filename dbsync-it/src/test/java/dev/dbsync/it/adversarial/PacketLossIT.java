package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.core.PushResult;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.SnapshotPusher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packet loss on loopback, unprivileged: QUIC datagrams between publisher and front office go
 * through a relay that drops a share of them each way. Pushes still arrive whole and verified,
 * and a publisher still converges.
 */
@Tag("adversarial")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PacketLossIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void pushesThroughFivePercentLossEachWayArriveWholeAndAPublisherConverges() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TestPki.Issued bo = pki.client("bo");
        TlsSettings client = TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile());
        try (Subscriber s = Subscriber.builder().dbPath(dir.resolve("fo").resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile())).transport(Transports.named("netty"))
                .minFreeSpace(0).build().start();
             LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress("127.0.0.1", s.localAddress().getPort()),
                     0.05, 11)) {
            // lost Initial packets are resent after a probe timeout: give the handshake room
            TransportOptions patient = TransportOptions.builder().connectTimeout(Duration.ofSeconds(30)).build();
            SnapshotPusher pusher = SnapshotPusher.builder().transport(Transports.named("netty")).tls(client)
                    .options(patient).build();
            for (int v = 1; v <= 2; v++) {
                Path file = dir.resolve("snap-" + v + ".db");
                SnapshotMeta meta = SnapshotFiles.create(file, v, 2 << 20);
                PushResult r = pusher.push(new Endpoint("127.0.0.1", relay.port()), meta, file);
                assertThat(r.outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
                assertThat(s.servedMeta()).map(SnapshotMeta::hash).contains(meta.hash());
            }
            Path source = dir.resolve("bo.db");
            SnapshotFiles.create(source, 3, 1 << 20);
            try (Publisher p = Publisher.builder(source, FilterSpec.builder().fullTables("t").build(),
                            dir.resolve("save").resolve("public.db"))
                    .targets(TargetProvider.of(Target.dbsync("fo", "127.0.0.1:" + relay.port()))).tls(client)
                    .transport(Transports.named("netty")).transportOptions(patient).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .build()) {
                p.start();
                assertThat(p.awaitDelivery(WAIT)).isTrue();
                long before = p.lastMeta().orElseThrow().version();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement st = c.createStatement()) {
                    st.execute("UPDATE t SET v = 4");
                }
                assertThat(Poll.until(WAIT, () -> p.lastMeta().orElseThrow().version() > before
                        && s.servedMeta().map(SnapshotMeta::hash).equals(p.lastMeta().map(SnapshotMeta::hash)))).isTrue();
                try (Connection c = s.db().orElseThrow().getConnection()) {
                    assertThat(SnapshotFiles.wholeVersion(c)).isEqualTo(4);
                }
            }
            System.out.println("PACKET-LOSS relayed=" + relay.relayed() + " dropped=" + relay.dropped());
            assertThat(relay.dropped()).as("the relay did drop datagrams").isPositive();
        }
    }
}
