package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Network faults with real processes: a front office killed (SIGKILL) in the middle of a
 * push and started again catches up without a new write; a back office killed in the middle
 * of a push and started again delivers, with versions that still increase.
 */
@Tag("adversarial")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetworkFaultIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("t").build();

    @TempDir
    Path dir;
    private TestPki pki;
    private TestPki.Issued fo;
    private TestPki.Issued bo;
    private Path source;

    @BeforeEach
    void pkiAndSource() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "ca");
        fo = pki.server("fo");
        bo = pki.client("bo");
        source = dir.resolve("bo.db");
        SnapshotFiles.create(source, 1, 8 << 20);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
        }
    }

    private void write(long v) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("UPDATE t SET v = " + v);
        }
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSubscriberKilledMidPushAndRestartedConvergesWithoutANewWrite() throws Exception {
        int port = freeUdpPort();
        Path db = Files.createDirectories(dir.resolve("fo")).resolve("public.db");
        String[] args = {db.toString(), fo.certFile().toString(), fo.keyFile().toString(), pki.caFile().toString(),
            Integer.toString(port)};
        ChildJvm child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo.log"), 0, args);
        try (Publisher p = Publisher.builder(source, SPEC, dir.resolve("save").resolve("public.db"))
                .targets(TargetProvider.of(Target.dbsync("fo", "127.0.0.1:" + port)))
                .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile())).transport(Transports.named("netty"))
                .transportOptions(TransportOptions.builder().idleTimeout(Duration.ofSeconds(3))
                        .keepAlive(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(2)).build())
                .stallTimeout(Duration.ofSeconds(2)).watchInterval(Duration.ofMillis(50)).debounce(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(500)).build()) {
            child.awaitLine("LISTENING", WAIT);
            p.start();
            assertThat(p.awaitDelivery(WAIT)).isTrue();
            long first = p.lastMeta().orElseThrow().version();
            write(2);
            assertThat(Poll.until(WAIT, () -> p.lastMeta().orElseThrow().version() > first
                    && p.deliveries().get(0).inFlightVersion() == p.lastMeta().orElseThrow().version()))
                    .as("the push of the new version is under way").isTrue();
            Thread.sleep(30);
            child.kill();
            assertThat(Poll.until(WAIT, () -> p.deliveries().get(0).consecutiveFailures() >= 1))
                    .as("the publisher notices the dead front office").isTrue();
            SnapshotMeta latest = p.lastMeta().orElseThrow();
            child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo.log"), 0, args);
            child.awaitLine("LISTENING", WAIT);
            assertThat(child.awaitLine("SWAPPED", WAIT)).as("caught up without a new write")
                    .isEqualTo(Long.toString(latest.version()));
            assertThat(p.awaitDelivery(WAIT)).isTrue();
            assertThat(p.lastMeta()).contains(latest);
            PersistedMeta.read(db.resolveSibling("public.db.meta.json")).orElseThrow().assertDescribes(db);
        } finally {
            child.close();
        }
    }

    @Test
    void aPublisherKilledMidPushAndRestartedConvergesWithIncreasingVersions() throws Exception {
        List<Long> swaps = new CopyOnWriteArrayList<>();
        try (Subscriber s = Subscriber.builder().dbPath(dir.resolve("fo").resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile())).transport(Transports.named("netty"))
                .stallTimeout(Duration.ofSeconds(2)).minFreeSpace(0).build().start()) {
            s.onSwap(() -> swaps.add(s.version()));
            Path save = dir.resolve("save").resolve("public.db");
            String[] args = {source.toString(), save.toString(), pki.caFile().toString(), bo.certFile().toString(),
                bo.keyFile().toString(), "127.0.0.1:" + s.localAddress().getPort()};
            ChildJvm child = ChildJvm.start(PublisherProcess.class, dir.resolve("bo.log"), 0, args);
            try (ContinuousReader reader = new ContinuousReader("fo-reader", waitForDb(s), v -> v == 1 || v == 2 || v == 3, 1)) {
                long first = Long.parseLong(child.awaitLine("PUBLISHED", WAIT).split(" ")[0]);
                assertThat(Poll.until(WAIT, () -> s.version() == first)).isTrue();
                for (int round = 2; round <= 3; round++) {
                    long received = s.version();
                    write(round);
                    long next = Long.parseLong(child.awaitLine("PUBLISHED", WAIT).split(" ")[0]);
                    Thread.sleep(round == 2 ? 50 : 150); // into the push
                    child.kill();
                    assertThat(s.version()).isIn(received, next);
                    child = ChildJvm.start(PublisherProcess.class, dir.resolve("bo.log"), 0, args);
                    long restored = Long.parseLong(child.awaitLine("STARTED", WAIT));
                    assertThat(restored).as("the restarted publisher restores what it had published").isEqualTo(next);
                    assertThat(Poll.until(WAIT, () -> s.version() == next)).as("round %d converges", round).isTrue();
                }
                assertThat(reader.failures()).as("reads failed: %s", reader.firstFailure()).isZero();
            } finally {
                child.close();
            }
            assertThat(swaps).isSorted().doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(3);
        }
    }

    private static javax.sql.DataSource waitForDb(Subscriber s) throws InterruptedException {
        assertThat(Poll.until(WAIT, () -> s.db().isPresent())).isTrue();
        return s.db().orElseThrow();
    }
}
